/**
 * The domain's public calendars, task lists and address books (src/admin/public-folders.ts) in
 * each user's own homes, as the collections /dav/calendars/USER/public-ID/ and
 * /dav/addressbooks/USER/public-ID/ (ID: the public folder's id), beside the user's own
 * collections and the accepted shares (shared-GRANT/).
 *
 * Why in the user's home: Apple Calendar, Thunderbird and DAVx5 all find calendars and address
 * books by listing the calendar-home-set / addressbook-home-set of the user's principal (RFC 4791
 * §6.2.1, RFC 6352 §7.1.1) with a Depth 1 PROPFIND; none of them follows a second principal that
 * is neither the user nor a delegation (calendar-proxy) of the user. A public folder mounted in the
 * home is found by all three with no setting.
 *
 * Who sees which folder, read or write, is the one rule (src/auth/folder-access.ts): only the
 * public folders of the user's own domain, with their default access raised by grants. Writes
 * need 'write' (403 DAV:need-privileges otherwise, as for any collection); the collection itself
 * cannot be deleted, renamed or moved over DAV (that is the administrator's, with audit).
 */
import type { Account, Folder } from '../../src/model/types.js';
import { atLeast, folderAccess, sharedFolders, type FolderAccess } from '../../src/auth/folder-access.js';
import type { DavRequest } from './request.js';

export const PUBLIC_SEGMENT_PREFIX = 'public-';

type PimArea = 'calendars' | 'addressbooks';

const inArea = (area: PimArea, f: Folder) => (area === 'calendars' ? f.kind === 'calendar' || f.kind === 'tasks' : f.kind === 'contacts');

export const publicSegment = (f: Folder) => `${PUBLIC_SEGMENT_PREFIX}${f.id}`;

/** The public folder a `public-ID` segment of the user's own home names, with the user's access; null when hidden. */
export async function resolvePublicMount(q: DavRequest, area: PimArea, user: Account, seg: string): Promise<{ folder: Folder; access: FolderAccess } | null> {
  const id = /^public-([1-9][0-9]{0,15})$/.exec(seg)?.[1];
  if (!id) return null;
  const store = q.svc.ctx.store;
  const folder = await store.getFolder(Number(id));
  if (!folder || !inArea(area, folder)) return null;
  const owner = await store.getAccount(folder.accountId);
  // Only public folders mount here; the one rule checks the domain and the access.
  if (!owner || owner.kind !== 'public') return null;
  const access = await folderAccess(store, user, folder);
  return atLeast(access, 'read') ? { folder, access } : null;
}

/** The public folders of the area the user may read, with the access, by folder id. */
export async function publicMounts(q: DavRequest, area: PimArea, user: Account): Promise<{ folder: Folder; access: 'read' | 'write' }[]> {
  return (await sharedFolders(q.svc.ctx.store, user))
    .filter((s) => s.owner.kind === 'public' && inArea(area, s.folder))
    .map((s) => ({ folder: s.folder, access: s.access }));
}
