/**
 * When does an item the device has leave its FilterType window by time alone ([MS-ASCMD]
 * 2.2.3.68.2, SoftDelete 2.2.3.162)? A held Ping sets a timer for the earliest such instant
 * before its heartbeat ends, so that aging wakes it like a change does (commands/ping.ts).
 */
import type { CommandContext } from '../commands/types.js';
import type { Held } from './push.js';
import { pendingFolders } from './pending.js';
import { classForKind } from './classes.js';
import { IdSet } from './ids.js';
import { asCollectionState, collectionKey } from './collection-state.js';

/** Aging is looked for in hourly steps (classes.ts agingCutoff); one hour of slack covers the rounding. */
const HOUR = 3_600_000;

/** The earliest instant in (now, until] at which an item on the device ages out of one of the folders; null for none. */
export async function nextAgingAt(ctx: CommandContext, folderIds: readonly number[], until: number): Promise<number | null> {
  const now = ctx.now();
  let next: number | null = null;
  for (const id of folderIds) {
    const folder = await ctx.store.getFolder(id);
    const cls = folder && classForKind(folder.kind);
    if (!cls) continue;
    const s = await ctx.store.getSyncState(ctx.device.id, collectionKey(id));
    const st = s ? asCollectionState(s.state) : null;
    const cutoff = st ? cls.agingCutoff(st.opts.filterType, now) : null;
    if (!st || cutoff === null || st.have === '') continue;
    const have = IdSet.parse(st.have);
    // Items still in the window whose end falls before the window start at `until`.
    const horizon = cls.agingCutoff(st.opts.filterType, until)! + HOUR;
    const items = await ctx.store.listItems(id, { from: cutoff, to: horizon, componentType: cls.componentType, withoutContent: true });
    for (const item of items) {
      if (!have.has(item.id) || !cls.inFilter(item, st.opts.filterType, now)) continue;
      const at = cls.agesOutAt(item, st.opts.filterType, st.agedTo);
      if (at !== null && at > now && at <= until && (next === null || at < next)) next = at;
    }
  }
  return next;
}

/**
 * Ends `held` (Ping or hanging Sync) with the folders that changed when the first event of the
 * device ages out before `until`: one timer, checked with the Sync enumeration when it fires.
 * Returns the function that cancels the timer (call it once the request is answered).
 */
export async function wakeOnAging(ctx: CommandContext, held: Held, folders: readonly number[], until: number): Promise<() => void> {
  const at = await nextAgingAt(ctx, folders, until);
  if (at === null) return () => undefined;
  const timer = setTimeout(
    () => {
      pendingFolders(ctx, folders).then(
        (p) => {
          if (p.length) held.finish({ kind: 'changed', folders: p });
        },
        () => undefined,
      );
    },
    Math.max(0, at - ctx.now()),
  );
  return () => clearTimeout(timer);
}
