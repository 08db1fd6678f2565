/** FolderDelete ([MS-ASCMD] 2.2.1.4): a user folder, its subfolders and their items. */
import { childText, el } from '../wbxml/types.js';
import { currentHierarchy, saveHierarchy } from '../hierarchy.js';
import { easFolderType, isDefaultType, parseServerId } from '../folders.js';
import { FolderStatus } from '../statuses.js';
import { folderStatusOf } from '../errors.js';
import { type WbxmlCommand, wbxml } from './types.js';

const NS = 'FolderHierarchy';
const reply = (status: number, key?: string) => wbxml(el(NS, 'FolderDelete', [
  el(NS, 'Status', String(status)),
  ...(key !== undefined ? [el(NS, 'SyncKey', key)] : []),
]));

export const folderDelete: WbxmlCommand = {
  name: 'FolderDelete',
  needsProvisioning: true,
  root: { ns: NS, tag: 'FolderDelete' },
  malformedStatus: FolderStatus.BadRequest,
  errorStatus: folderStatusOf,
  body: 'wbxml',
  async handle(ctx, req) {
    const cur = await currentHierarchy(ctx, childText(req, 'SyncKey', NS));
    if (!cur) return reply(FolderStatus.InvalidSyncKey);

    const id = parseServerId(childText(req, 'ServerId', NS));
    const folder = id === null ? null : await ctx.store.getFolder(id);
    const type = folder && folder.accountId === ctx.account.id ? easFolderType(folder) : null;
    if (!folder || type === null) return reply(FolderStatus.NotFound);
    if (isDefaultType(type) || folder.role !== null) return reply(FolderStatus.SpecialFolder);

    await ctx.store.deleteFolder(folder.id);
    // Forget the folder and everything the device knew under it.
    const folders = { ...cur.state.folders };
    const gone = new Set([String(folder.id)]);
    for (let grew = true; grew;) {
      grew = false;
      for (const [sid, e] of Object.entries(folders)) {
        if (!gone.has(sid) && gone.has(e.parentId)) { gone.add(sid); grew = true; }
      }
    }
    for (const sid of gone) delete folders[sid];
    // Item sync states are kept per collection named by ServerId (see docs/protocols/activesync.md).
    for (const sid of gone) await ctx.store.deleteSyncStates(ctx.device.id, sid);
    return reply(FolderStatus.Success, await saveHierarchy(ctx, cur.key, { ...cur.state, folders, answered: cur.key, reply: [...gone].map((id) => ({ op: 'Delete' as const, id })) }));
  },
};
