/**
 * "Has anything changed for this device since its last Sync?" for Ping and the hanging Sync:
 * a folder whose content modseq is past the device's sync point is checked with the same
 * enumeration Sync uses (one entry is enough), so that the device's own writes do not count.
 */
import type { CommandContext } from '../commands/types.js';
import { accessToFolder } from '../sharing.js';
import { classForKind } from './classes.js';
import { enumerateChanges } from './changes.js';
import { IdSet } from './ids.js';
import { asCollectionState, collectionKey } from './collection-state.js';

/** Does the device's state of the folder need an aging look now (the hourly cutoff moved past it)? */
function agingDue(cutoff: number | null, agedTo: number | undefined, have: string): boolean {
  return cutoff !== null && have !== '' && (agedTo === undefined || agedTo < cutoff);
}

export async function hasPendingChanges(ctx: CommandContext, folderId: number): Promise<boolean> {
  const folder = await ctx.store.getFolder(folderId);
  if (!folder || (await accessToFolder(ctx, ctx.account, folder)) === 'none') return false;
  const cls = classForKind(folder.kind);
  if (!cls) return false;
  const s = await ctx.store.getSyncState(ctx.device.id, collectionKey(folderId));
  const st = s ? asCollectionState(s.state) : null;
  // Never synced (or reset): the device learns about the folder from its next Sync anyway.
  if (!st) return false;
  // Nothing written since, and the window has not moved past the device's state: nothing to send.
  if (folder.contentModseq <= st.modseq && !agingDue(cls.agingCutoff(st.opts.filterType, ctx.now()), st.agedTo, st.have)) return false;
  const en = await enumerateChanges(ctx.store, cls, folderId, {
    modseq: st.modseq, have: IdSet.parse(st.have), echo: st.echo, rescanBelow: st.rescanBelow, filterType: st.opts.filterType, agedTo: st.agedTo,
  }, { max: 1, deadline: ctx.now() + 5000, now: ctx.now(), clock: () => ctx.now() });
  return en.entries.length > 0;
}

/** The folders among `folderIds` with changes pending for the device. */
export async function pendingFolders(ctx: CommandContext, folderIds: readonly number[]): Promise<number[]> {
  const out: number[] = [];
  for (const id of folderIds) if (await hasPendingChanges(ctx, id)) out.push(id);
  return out;
}
