/**
 * Who may see a folder: the one rule every protocol (ActiveSync, CalDAV/CardDAV, WebDAV files,
 * IMAP shared folders) asks, so that a phone, a calendar client and a mail client agree.
 *
 * - The owner: 'owner'.
 * - Anyone else: only inside the owner's domain (DESIGN "Multi-tenancy"; a grant row that
 *   crosses domains is ignored), only while the owner is enabled (a disabled account's data is
 *   hidden from everyone else, as it is from the GAL and the principal collections), and only
 *   through an accepted grant given to the user or to a group the user belongs to, on the folder
 *   or on all of the owner's folders (folderId null). The best such grant wins.
 * - A public folder (a folder of the domain's 'public' account, src/admin/public-folders.ts) also
 *   gives every enabled user of its domain the folder's own default access (`publicAccess` in
 *   its props: 'none', 'read' or 'write'); grants to users or groups add to it, never take away.
 * - A 'freebusy' grant gives 'freebusy' and nothing more: busy times may be asked
 *   (CalDAV free-busy-query, RFC 4791 §7.10), the folder is never listed as shared and its
 *   items are never read.
 *
 * Which folder kinds a protocol can show (a phone shows no files) is the protocol's own choice
 * on top of this answer.
 */
import type { Account, Folder, Grant } from '../model/types.js';
import type { ContentArea, DirectoryArea, GrantsArea } from '../store/areas.js';

/** Ordered from least to most: compare with {@link atLeast}. */
export type FolderAccess = 'none' | 'freebusy' | 'read' | 'write' | 'owner';

const RANK: readonly FolderAccess[] = ['none', 'freebusy', 'read', 'write', 'owner'];

/** Whether access `a` includes everything `b` allows. */
export const atLeast = (a: FolderAccess, b: FolderAccess): boolean => RANK.indexOf(a) >= RANK.indexOf(b);

/** The store reads this rule needs (any Store satisfies it; tests may pass less). */
export type AccessStore = Pick<DirectoryArea, 'getAccount' | 'listGroupsOf'> & GrantsArea & Pick<ContentArea, 'listFolders'>;

/** A folder another account shared with the user, readable at least. */
export interface SharedFolder {
  folder: Folder;
  owner: Account;
  access: 'read' | 'write';
}

/** The access one accepted grant gives, or 'none' for a pending or declined one. */
function grantAccess(g: Grant): FolderAccess {
  if (g.status !== 'accepted') return 'none';
  return g.rights === 'write' ? 'write' : g.rights === 'read' ? 'read' : 'freebusy';
}

const best = (a: FolderAccess, b: FolderAccess): FolderAccess => (atLeast(a, b) ? a : b);

/** The props key of a public folder's access for everyone in its domain. */
export const PUBLIC_ACCESS_PROP = 'publicAccess';

/** The access every user of the domain has to `folder` of `owner` without a grant: only public folders give any. */
export function publicAccessOf(owner: Account, folder: Folder): 'none' | 'read' | 'write' {
  if (owner.kind !== 'public') return 'none';
  const v = folder.props[PUBLIC_ACCESS_PROP];
  return v === 'read' || v === 'write' ? v : 'none';
}

/** The address of a domain's public-folder owner: a leading dot is not a valid dot-atom (RFC 5322 §3.4.1), so no mailbox can ever have it. */
export const publicOwnerAddress = (domainName: string): string => `.public@${domainName.toLowerCase()}`;

/** Whether `owner`'s data may be shown to `user` at all (through grants): same domain, enabled. */
export function mayShareWith(owner: Account | null, user: Account): owner is Account {
  return owner !== null && owner.id !== user.id && owner.domainId === user.domainId && !owner.disabled;
}

/** The user's principals: the account itself and the groups it belongs to. */
async function principals(store: AccessStore, user: Account): Promise<Set<number>> {
  return new Set([user.id, ...(await store.listGroupsOf(user.id)).map((g) => g.id)]);
}

/**
 * The user's access to `owner`'s data through grants matching `scope`:
 * - a folder id: grants on that folder or on all folders (the access to that folder);
 * - null: grants on all of the owner's folders only (delegation, e.g. a WebDAV file space);
 * - 'any': the best grant on anything of the owner (whether the owner's home may be opened).
 */
export async function accountAccess(
  store: AccessStore,
  user: Account,
  owner: Account,
  scope: number | null | 'any',
): Promise<FolderAccess> {
  if (owner.id === user.id) return 'owner';
  if (!mayShareWith(owner, user)) return 'none';
  const me = await principals(store, user);
  let out: FolderAccess = 'none';
  for (const g of await store.listGrantsByOwner(owner.id)) {
    if (!me.has(g.granteeId) || g.ownerId !== owner.id) continue;
    if (scope !== 'any' && g.folderId !== null && g.folderId !== scope) continue;
    out = best(out, grantAccess(g));
  }
  if (owner.kind === 'public' && scope !== null) {
    for (const f of await store.listFolders(owner.id)) if (scope === 'any' || f.id === scope) out = best(out, publicAccessOf(owner, f));
  }
  return out;
}

/** The user's access to one folder (see the module comment for the rule). */
export async function folderAccess(store: AccessStore, user: Account, folder: Folder): Promise<FolderAccess> {
  if (folder.accountId === user.id) return 'owner';
  const owner = await store.getAccount(folder.accountId);
  if (!mayShareWith(owner, user)) return 'none';
  return best(publicAccessOf(owner, folder), await accountAccess(store, user, owner, folder.id));
}

/**
 * Every folder of other accounts the user may read (grants to the user or its groups, 'read' or
 * 'write'; free-busy grants excluded; the domain's public folders the user may read), of any kind,
 * ordered by folder id. Protocols filter the kinds they can show; a public folder is one whose
 * owner has kind 'public'.
 */
export async function sharedFolders(store: AccessStore, user: Account): Promise<SharedFolder[]> {
  const byOwner = new Map<number, Grant[]>();
  for (const p of await principals(store, user)) {
    for (const g of await store.listGrantsForGrantee(p)) {
      if (g.ownerId === user.id || !atLeast(grantAccess(g), 'read')) continue;
      let list = byOwner.get(g.ownerId);
      if (!list) byOwner.set(g.ownerId, (list = []));
      list.push(g);
    }
  }
  const domainName = user.email.slice(user.email.lastIndexOf('@') + 1);
  const publicOwner = await store.getAccount(publicOwnerAddress(domainName));
  if (publicOwner && publicOwner.kind === 'public' && !byOwner.has(publicOwner.id)) byOwner.set(publicOwner.id, []);
  const out: SharedFolder[] = [];
  for (const [ownerId, grants] of byOwner) {
    const owner = await store.getAccount(ownerId);
    if (!mayShareWith(owner, user)) continue;
    for (const folder of await store.listFolders(owner.id)) {
      let access: FolderAccess = publicAccessOf(owner, folder);
      for (const g of grants) if (g.folderId === null || g.folderId === folder.id) access = best(access, grantAccess(g));
      if (access === 'read' || access === 'write') out.push({ folder, owner, access });
    }
  }
  return out.sort((a, b) => a.folder.id - b.folder.id);
}
