/**
 * FolderSync ([MS-ASCMD] 2.2.1.5): the folder hierarchy, first in full (SyncKey 0), then the
 * Adds, Updates and Deletes since the client's key. A retried previous key gets the same answer.
 */
import { childText, el, type WbxmlElement } from '../wbxml/types.js';
import { asHierarchyState, type FolderChange, type HierarchyState, matchHierarchyKey, saveHierarchy } from '../hierarchy.js';
import { type FolderEntry, parentsFirst, visibleHierarchy } from '../folders.js';
import { FolderStatus } from '../statuses.js';
import { sharedEntries, sharedFolders } from '../sharing.js';
import { type CommandContext, type WbxmlCommand, wbxml } from './types.js';

const NS = 'FolderHierarchy';

function answer(status: number, key?: string, changes?: FolderChange[]): WbxmlElement {
  const out = [el(NS, 'Status', String(status))];
  if (key !== undefined) out.push(el(NS, 'SyncKey', key));
  if (changes) {
    out.push(el(NS, 'Changes', [
      el(NS, 'Count', String(changes.length)),
      ...changes.map((c) => c.op === 'Delete'
        ? el(NS, 'Delete', [el(NS, 'ServerId', c.id)])
        : el(NS, c.op, [el(NS, 'ServerId', c.id), el(NS, 'ParentId', c.entry.parentId),
            el(NS, 'DisplayName', c.entry.name), el(NS, 'Type', String(c.entry.type))])),
    ]));
  }
  return el(NS, 'FolderSync', out);
}

/** What changed between what the device knows and what is there now. */
export function diffHierarchy(known: Record<string, FolderEntry>, now: Map<string, FolderEntry>): FolderChange[] {
  const adds: string[] = [];
  const changes: FolderChange[] = [];
  for (const [id, entry] of now) {
    const was = known[id];
    if (!was) adds.push(id);
    else if (was.name !== entry.name || was.parentId !== entry.parentId || was.type !== entry.type) {
      changes.push({ op: 'Update', id, entry });
    }
  }
  const deletes: FolderChange[] = Object.keys(known).filter((id) => !now.has(id)).map((id) => ({ op: 'Delete', id }));
  return [...parentsFirst(adds, now).map((id): FolderChange => ({ op: 'Add', id, entry: now.get(id)! })), ...changes, ...deletes];
}

export const folderSync: WbxmlCommand = {
  name: 'FolderSync',
  needsProvisioning: true,
  allowQuarantined: true,
  root: { ns: NS, tag: 'FolderSync' },
  malformedStatus: FolderStatus.BadRequest,
  body: 'wbxml',
  async handle(ctx: CommandContext, req) {
    const key = childText(req, 'SyncKey', NS);
    const m = await matchHierarchyKey(ctx, key);
    if (m.kind === 'invalid') return wbxml(answer(FolderStatus.InvalidSyncKey));

    const stored = m.state ? asHierarchyState(m.state.state) : null;
    if (m.kind === 'previous') {
      // The client lost our last answer: the same answer again, same key ([MS-ASCMD] 2.2.3.166.1).
      // Only when this state answered that very key (not a reset or a FolderCreate in between).
      if (!stored || stored.answered !== key) return wbxml(answer(FolderStatus.InvalidSyncKey));
      return wbxml(answer(FolderStatus.Success, m.state.syncKey, stored.reply));
    }
    if (m.kind === 'current' && !stored) return wbxml(answer(FolderStatus.InvalidSyncKey));

    const known = m.kind === 'initial' ? {} : stored!.folders;
    const knownShared = new Set(m.kind === 'initial' ? [] : stored!.shared ?? []);
    const since = m.kind === 'initial' ? 0 : stored!.modseq;
    const fc = await ctx.store.folderChangesSince(ctx.account.id, since);
    const shared = await sharedFolders(ctx, ctx.account);
    const ownChanged = m.kind !== 'current' || fc.changed.length > 0 || fc.deleted.length > 0;
    if (!ownChanged) {
      // The user's own folders did not change (so the top-level names the device has are theirs):
      // only grants, or the owners' folders, can have. Nothing new: same key, no changes, no write.
      const ownTop = Object.entries(known).filter(([id, e]) => !knownShared.has(id) && e.parentId === '0').map(([, e]) => e.name);
      const now = sharedEntries(shared, ownTop);
      const same = now.size === knownShared.size && [...now].every(([id, e]) => {
        const was = known[id];
        return knownShared.has(id) && was && was.name === e.name && was.type === e.type && was.parentId === e.parentId;
      });
      if (same) return wbxml(answer(FolderStatus.Success, m.state!.syncKey, []));
    }
    const own = visibleHierarchy(await ctx.store.listFolders(ctx.account.id));
    const fromGrants = sharedEntries(shared, [...own.values()].filter((e) => e.parentId === '0').map((e) => e.name));
    const now = new Map([...own, ...fromGrants]);
    const changes = diffHierarchy(known, now);
    if (m.kind === 'current' && changes.length === 0) {
      // Only hidden folders or contents changed: same key, and the state keeps its replay.
      return wbxml(answer(FolderStatus.Success, m.state.syncKey, []));
    }
    const state: HierarchyState = { v: 1, modseq: Math.max(since, fc.modseq), folders: Object.fromEntries(now), shared: [...fromGrants.keys()], answered: key!, reply: changes };
    // Keys keep counting across a reset to 0, so an old key never comes back to life.
    const newKey = await saveHierarchy(ctx, m.state?.syncKey ?? null, state);
    return wbxml(answer(FolderStatus.Success, newKey, changes));
  },
};
