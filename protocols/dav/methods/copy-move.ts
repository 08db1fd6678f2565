/**
 * COPY and MOVE (RFC 4918 §9.8, §9.9) inside one account's area: files and folders of the file
 * space, and calendar objects or vCards between collections. Overwrite (§10.6) defaults to T.
 */
import { MOVED_PROP } from '../reports/sync-infinite.js';
import type { Folder, Item } from '../../../src/model/types.js';
import type { DavRequest, DavResponse } from '../request.js';
import { header, urlToSegments, depth } from '../request.js';
import { resolve, atLeast, type Res } from '../resolve.js';
import { DavError, C, notFound, forbidden, badRequest } from '../errors.js';
import { exists, checkHttpConditions, checkIfHeader, checkLocks } from '../conditions.js';
import type { Store } from '../../../src/store/store.js';

export async function copyMove(q: DavRequest): Promise<DavResponse> {
  const move = q.method === 'MOVE';
  const src = await resolve(q);
  if (!exists(src)) throw notFound();
  const destHeader = header(q, 'destination');
  if (!destHeader) throw badRequest('Destination required');
  const destSegs = urlToSegments(destHeader);
  if (!destSegs) throw badRequest('bad Destination');
  const dst = await resolve(q, destSegs);
  if (dst.kind === 'missing') throw new DavError(dst.parentMissing ? 409 : 404);
  if (!(src.kind === 'member' || src.kind === 'collection') || !(dst.kind === 'member' || dst.kind === 'collection' || dst.kind === 'new-collection')) throw forbidden();
  if (src.area !== dst.area || src.account.id !== dst.account.id) throw new DavError(502);
  if (src.href.replace(/\/$/, '') === dst.href.replace(/\/$/, '')) throw forbidden();
  if (!atLeast(dst.access, 'write') || (move && !atLeast(src.access, 'write'))) throw forbidden(C.needPrivileges());
  const srcIsColl = src.kind === 'collection';
  if (srcIsColl && (src.area !== 'files' || src.folder.role !== null && move)) throw forbidden();
  if (srcIsColl && (dst.href + '/').startsWith(src.href)) throw forbidden();

  // Conditions: If applies to the source; locks to what changes (§7.4, §9.9.4).
  checkHttpConditions(q, src);
  const lists = await checkIfHeader(q, src);
  if (move) await checkLocks(q, lists, src, true);
  await checkLocks(q, lists, dst, true);

  const store = q.svc.ctx.store;
  const overwrite = (header(q, 'overwrite') ?? 'T').trim().toUpperCase() !== 'F';
  const dstExists = exists(dst);
  if (dstExists && !overwrite) throw new DavError(412);
  // The destination's parent folder.
  const parent: Folder | null = dst.kind === 'member' ? dst.folder : dst.kind === 'new-collection' ? dst.parent : dst.kind === 'collection' ? await store.getFolder(dst.folder.parentId ?? -1) : null;
  const dstName = dst.kind === 'member' ? dst.name : dst.kind === 'new-collection' ? dst.name : dst.folder.name;
  if (!parent) throw new DavError(409);
  if (dstExists) {
    if (dst.kind === 'collection') await store.deleteFolder(dst.folder.id);
    else if (dst.kind === 'member' && dst.item) await store.deleteItem(dst.item.id);
    await q.svc.locks.removeWithin(q, dst);
  }
  if (src.kind === 'member') {
    const it = src.item!;
    if (move) {
      if (it.folderId === parent.id) await store.updateItem(it.id, { name: dstName });
      else await store.moveItem(it.id, parent.id, dstName);
      await q.svc.locks.removeWithin(q, src);
    } else await copyItem(store, it, parent.id, dstName);
  } else {
    if (move) {
      // Marked so that an infinite-level sync token older than the move is refused (reports/sync-infinite.ts).
      const props = src.area === 'files' ? { props: { ...src.folder.props, [MOVED_PROP]: true } } : {};
      await store.updateFolder(src.folder.id, { parentId: parent.id, name: dstName, ...props });
      await q.svc.locks.removeWithin(q, src);
    } else await copyFolder(store, src.folder, parent.id, dstName, depth(q, 'infinity') !== '0');
  }
  return { status: dstExists ? 204 : 201, headers: { 'content-length': '0' } };
}

async function copyItem(store: Store, it: Item, folderId: number, name: string): Promise<void> {
  if (it.blobHash) {
    // Streamed through, as a PUT would be: a copied 1 GiB file is never held whole.
    const source = await store.getBlobStream(it.blobHash);
    const hash = source ? (await store.putBlobStream(source.stream, { maxBytes: source.size })).hash : await store.putBlob(Buffer.alloc(0));
    await store.createItem({ folderId, name, blobHash: hash, size: it.size, contentType: it.contentType, props: it.props });
    return;
  }
  const full = it.content === null ? await store.getItem(it.id) : it;
  await store.createItem({ folderId, name, uid: it.uid, content: full?.content ?? null, contentType: it.contentType, size: it.size, componentType: it.componentType,
    summary: it.summary, startAt: it.startAt, endAt: it.endAt, recurring: it.recurring, props: it.props });
}

async function copyFolder(store: Store, f: Folder, parentId: number, name: string, deep: boolean): Promise<void> {
  const copy = await store.createFolder({ accountId: f.accountId, parentId, name, kind: f.kind, props: f.props });
  if (!deep) return;
  for (const it of await store.listItems(f.id)) await copyItem(store, it, copy.id, it.name);
  for (const sub of (await store.listFolders(f.accountId, f.kind)).filter((x) => x.parentId === f.id)) await copyFolder(store, sub, copy.id, sub.name, true);
}

export type { Res };
