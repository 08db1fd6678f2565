/** FolderUpdate ([MS-ASCMD] 2.2.1.6): rename and/or move a user folder. */
import { childText, el } from '../wbxml/types.js';
import { currentHierarchy, type HierarchyState, saveHierarchy } from '../hierarchy.js';
import { easFolderType, isDefaultType, parseServerId } from '../folders.js';
import { FolderStatus } from '../statuses.js';
import { folderStatusOf } from '../errors.js';
import { type WbxmlCommand, wbxml } from './types.js';

const NS = 'FolderHierarchy';
const reply = (status: number, key?: string) => wbxml(el(NS, 'FolderUpdate', [
  el(NS, 'Status', String(status)),
  ...(key !== undefined ? [el(NS, 'SyncKey', key)] : []),
]));

export const folderUpdate: WbxmlCommand = {
  name: 'FolderUpdate',
  needsProvisioning: true,
  root: { ns: NS, tag: 'FolderUpdate' },
  malformedStatus: FolderStatus.BadRequest,
  errorStatus: folderStatusOf,
  body: 'wbxml',
  async handle(ctx, req) {
    const name = childText(req, 'DisplayName', NS)?.trim();
    const parent = childText(req, 'ParentId', NS);
    if (!name || name.length > 255 || /[\x00-\x1f/]/.test(name) || parent === undefined) return reply(FolderStatus.BadRequest);

    const cur = await currentHierarchy(ctx, childText(req, 'SyncKey', NS));
    if (!cur) return reply(FolderStatus.InvalidSyncKey);

    const id = parseServerId(childText(req, 'ServerId', NS));
    const folder = id === null ? null : await ctx.store.getFolder(id);
    const type = folder && folder.accountId === ctx.account.id ? easFolderType(folder) : null;
    if (!folder || type === null) return reply(FolderStatus.NotFound);
    // 2.2.3.177.6: Status 2 also covers "the specified folder is a special folder".
    if (isDefaultType(type) || folder.role !== null) return reply(FolderStatus.Exists);

    let parentId: number | null = null;
    if (parent !== '0') {
      parentId = parseServerId(parent);
      const p = parentId === null ? null : await ctx.store.getFolder(parentId);
      if (!p || p.accountId !== ctx.account.id || easFolderType(p) === null) return reply(FolderStatus.ParentNotFound);
      // A folder cannot move under itself or its own descendants.
      for (let a: typeof p | null = p, n = 0; a && n < 64; n++) {
        if (a.id === folder.id) return reply(FolderStatus.ParentNotFound);
        a = a.parentId === null ? null : await ctx.store.getFolder(a.parentId);
      }
    }
    // A sibling with that name is Status 2, a folder gone meanwhile Status 4 (errorStatus: ../errors.ts).
    await ctx.store.updateFolder(folder.id, { name, parentId });
    const sid = String(folder.id);
    const entry = { parentId: parent, name, type };
    const state: HierarchyState = { ...cur.state, folders: { ...cur.state.folders, [sid]: entry }, answered: cur.key, reply: [{ op: 'Update', id: sid, entry }] };
    return reply(FolderStatus.Success, await saveHierarchy(ctx, cur.key, state));
  },
};
