/** FolderCreate ([MS-ASCMD] 2.2.1.3): a user folder of any class, under the root or a shown folder. */
import { childText, el } from '../wbxml/types.js';
import { currentHierarchy, type HierarchyState, saveHierarchy } from '../hierarchy.js';
import { easFolderType, kindForCreateType, parseServerId } from '../folders.js';
import { FolderStatus } from '../statuses.js';
import { folderStatusOf } from '../errors.js';
import { type WbxmlCommand, wbxml } from './types.js';

const NS = 'FolderHierarchy';
const reply = (status: number, key?: string, serverId?: string) => wbxml(el(NS, 'FolderCreate', [
  el(NS, 'Status', String(status)),
  ...(key !== undefined ? [el(NS, 'SyncKey', key)] : []),
  ...(serverId !== undefined ? [el(NS, 'ServerId', serverId)] : []),
]));

export const folderCreate: WbxmlCommand = {
  name: 'FolderCreate',
  needsProvisioning: true,
  root: { ns: NS, tag: 'FolderCreate' },
  malformedStatus: FolderStatus.BadRequest,
  errorStatus: folderStatusOf,
  body: 'wbxml',
  async handle(ctx, req) {
    const name = childText(req, 'DisplayName', NS)?.trim();
    const parent = childText(req, 'ParentId', NS);
    const type = Number(childText(req, 'Type', NS));
    if (!name || name.length > 255 || /[\x00-\x1f/]/.test(name) || parent === undefined) return reply(FolderStatus.BadRequest);
    const kind = kindForCreateType(type);
    if (!kind) return reply(FolderStatus.BadRequest);

    const cur = await currentHierarchy(ctx, childText(req, 'SyncKey', NS));
    if (!cur) return reply(FolderStatus.InvalidSyncKey);

    let parentId: number | null = null;
    if (parent !== '0') {
      parentId = parseServerId(parent);
      const p = parentId === null ? null : await ctx.store.getFolder(parentId);
      if (!p || p.accountId !== ctx.account.id || easFolderType(p) === null) return reply(FolderStatus.ParentNotFound);
    }
    // A name taken already is Status 2 (errorStatus: ../errors.ts).
    const folder = await ctx.store.createFolder({ accountId: ctx.account.id, parentId, name, kind });
    const id = String(folder.id);
    // The device now knows the folder: record it so FolderSync does not send it back as an Add.
    // The modseq stays where it was, so that other changes in between are still looked at.
    const entry = { parentId: parent, name: folder.name, type: easFolderType(folder)! };
    // A FolderSync retrying the old key (this answer lost) learns the folder as an Add.
    const state: HierarchyState = { ...cur.state, folders: { ...cur.state.folders, [id]: entry }, answered: cur.key, reply: [{ op: 'Add', id, entry }] };
    const key = await saveHierarchy(ctx, cur.key, state);
    return reply(FolderStatus.Success, key, id);
  },
};
