/**
 * Server changes for one collection: what the device must be told since its state, in store
 * modseq order, cut into windows ([MS-ASCMD] 2.2.3.199 WindowSize, 2.2.3.116 MoreAvailable).
 *
 * Pure over the state (works on copies), so that Sync, GetItemEstimate and Ping's "anything
 * pending?" share one definition of a change:
 * - an item of the class inside the filter: Add when the device does not have it, else Change
 *   (not when the device wrote that very version itself: `echo`);
 * - an item the device has that left the filter: SoftDelete ([MS-ASCMD] 2.2.3.162);
 * - an item the device has that is gone from the folder (deleted, moved away): Delete;
 * - an item the device has that aged out of a calendar FilterType window without changing
 *   (its end passed the window's start since the last look, `agedTo`): SoftDelete, once.
 */
import type { Item } from '../../../src/model/types.js';
import type { Store } from '../../../src/store/store.js';
import { type ItemClass, isOfClass } from './classes.js';
import { IdSet } from './ids.js';

export type ChangeEntry =
  | { op: 'Add' | 'Change'; item: Item }
  | { op: 'Delete' | 'SoftDelete'; itemId: number };

export interface SyncPoint {
  modseq: number;
  have: IdSet;
  echo: Record<string, number>;
  rescanBelow?: number;
  filterType: number;
  /** Items ending before this instant have been looked at for aging out of the filter window. */
  agedTo?: number;
}

export interface Enumeration extends SyncPoint {
  entries: ChangeEntry[];
  /** More changes remain after `modseq`. */
  more: boolean;
}

export interface EnumerateOptions {
  /** At most this many entries (a batch may end a little over it only to keep one modseq together). */
  max: number;
  /** Stop at a window boundary once `clock()` passes this (answer MoreAvailable instead). */
  deadline: number;
  now: number;
  /** The context's clock (ctx.now), never Date.now: tests drive time through it. */
  clock: () => number;
}

export async function enumerateChanges(store: Store, cls: ItemClass, folderId: number, from: SyncPoint, o: EnumerateOptions): Promise<Enumeration> {
  const have = from.have.clone();
  const echo = { ...from.echo };
  const entries: ChangeEntry[] = [];
  let cursor = from.modseq;
  let more = false;
  let first = true;
  // Aging ([MS-ASCMD] 2.2.3.162 SoftDelete): the window moved since the last look.
  let agedTo = from.agedTo;
  const cutoff = cls.agingCutoff(from.filterType, o.now);
  if (cutoff === null) agedTo = undefined;
  else if (agedTo === undefined || agedTo < cutoff) {
    let complete = true;
    if (have.size > 0) {
      // Items whose [start, end) overlaps [agedTo, cutoff): those that ended in between (and some still in).
      const aged = await store.listItems(folderId, { from: agedTo === undefined ? undefined : agedTo - 1, to: cutoff, componentType: cls.componentType, withoutContent: true });
      for (const item of aged) {
        if (!have.has(item.id) || cls.inFilter(item, from.filterType, o.now)) continue;
        if (entries.length >= o.max) { complete = false; break; }
        have.delete(item.id);
        entries.push({ op: 'SoftDelete', itemId: item.id });
      }
    }
    if (complete) agedTo = cutoff;
    // A window filled by aging alone: say there is more rather than look further.
    if (entries.length >= o.max) more = true;
  }
  while (entries.length < o.max) {
    if (!first && o.clock() > o.deadline) { more = true; break; }
    first = false;
    // PIM classes read the lean feed (ids, content, filter fields); mail needs imapUid and blobHash.
    const ch = await store.changesSince(folderId, cursor, Math.max(1, o.max - entries.length), { pimSync: cls.name !== 'Email' });
    const present = new Set(ch.changed.map((i) => i.id));
    type Ev = { m: number; item?: Item; gone?: number };
    const events: Ev[] = ch.changed.map((item) => ({ m: item.modseq, item }));
    // A tombstone of an item still in the folder is a rename (DAV) or a move out and back: the item wins.
    for (const t of ch.deleted) if (!present.has(t.itemId)) events.push({ m: t.modseq, gone: t.itemId });
    events.sort((a, b) => a.m - b.m);
    for (const ev of events) {
      const rescanned = from.rescanBelow !== undefined && ev.m <= from.rescanBelow;
      if (ev.gone !== undefined) {
        if (have.has(ev.gone) && !rescanned) {
          have.delete(ev.gone);
          entries.push({ op: 'Delete', itemId: ev.gone });
        }
        continue;
      }
      const item = ev.item!;
      const onDevice = have.has(item.id);
      const ours = isOfClass(cls, item);
      const show = ours && cls.inFilter(item, from.filterType, o.now);
      const sameVersion = echo[item.id] === item.modseq || (rescanned && onDevice);
      if (show) {
        if (!onDevice) { have.add(item.id); entries.push({ op: 'Add', item }); } else if (!sameVersion) entries.push({ op: 'Change', item });
      } else if (onDevice) {
        have.delete(item.id);
        entries.push(ours ? { op: 'SoftDelete', itemId: item.id } : { op: 'Delete', itemId: item.id });
      }
    }
    cursor = Math.max(cursor, ch.modseq);
    more = ch.more;
    if (!ch.more) break;
  }
  // Echoes at or below the new sync point can never come up again.
  for (const [id, m] of Object.entries(echo)) if (m <= cursor) delete echo[id];
  const rescanBelow = from.rescanBelow !== undefined && from.rescanBelow > cursor ? from.rescanBelow : undefined;
  return { entries, more, modseq: cursor, have, echo, rescanBelow, filterType: from.filterType, ...(agedTo !== undefined ? { agedTo } : {}) };
}
