/**
 * Public folders: a domain's shared tree of mail folders, calendars, address books, task lists and
 * note folders that belong to the domain rather than to a user (Exchange's public folders).
 *
 * Model: the folders belong to the domain's one account of kind 'public' (made on first use, at
 * the address {@link publicOwnerAddress}, which no mailbox can have). That account never signs in,
 * receives no mail and is not listed in the directory; its folders are ordinary folders, so every
 * protocol reads and writes their items as it does a shared folder's. Who may see them is the
 * one rule in src/auth/folder-access.ts: each folder's default access for every user of the domain
 * (`publicAccess`: none, read or write), raised for some users or groups by grants.
 *
 * Shared by the admin API, the console and the CLI; every change is audited (target
 * `public-folder:DOMAIN/PATH`, before and after).
 */
import { isDeepStrictEqual } from 'node:util';
import type { Account, Domain, Folder, FolderKind, Grant } from '../model/types.js';
import type { Store } from '../store/store.js';
import { StoreError } from '../store/errors.js';
import { GRANTS_SIGNAL } from '../model/signals.js';
import { PUBLIC_ACCESS_PROP, publicAccessOf, publicOwnerAddress } from '../auth/folder-access.js';
import { auditChange, type AdminActor } from './actor.js';

export type PublicAccess = 'none' | 'read' | 'write';
export type PublicFolderKind = Exclude<FolderKind, 'files'>;
export const PUBLIC_FOLDER_KINDS: readonly PublicFolderKind[] = ['mail', 'calendar', 'contacts', 'tasks', 'notes'];

export interface PublicFolderGrantView { grantee: string; granteeKind: 'user' | 'group'; rights: 'read' | 'write' }
export interface PublicFolderView {
  id: number;
  name: string;
  /** Names from the top of the tree, joined with '/'. */
  path: string;
  parentId: number | null;
  kind: PublicFolderKind;
  /** What every user of the domain may do without a grant. */
  defaultAccess: PublicAccess;
  grants: PublicFolderGrantView[];
  createdAt: number;
}

/** Longest folder name; names hold no '/' (the path separator of the view and of IMAP's namespace). */
const MAX_NAME = 200;

/** The domain's public-folder owner, or null when the domain has none yet and `create` is false. */
export async function publicFolderOwner(store: Store, domain: Domain, create: boolean): Promise<Account | null> {
  const address = publicOwnerAddress(domain.name);
  const found = await store.getAccount(address);
  if (found || !create) return found;
  try {
    return await store.createAccount({ domainId: domain.id, email: address, kind: 'public', displayName: 'Public Folders', quotaBytes: null });
  } catch (e) {
    // Two administrators' first public folders at once: the other creation won.
    const again = await store.getAccount(address);
    if (again) return again;
    throw e;
  }
}

function checkName(name: string): string {
  const n = name.trim();
  if (!n) throw new StoreError('Invalid', 'a public folder needs a name');
  if (n.length > MAX_NAME) throw new StoreError('Invalid', `a public folder name has at most ${MAX_NAME} characters`);
  // '/' separates the path; control characters break IMAP and DAV names.
  if (/[/\u0000-\u001f\u007f]/.test(n)) throw new StoreError('Invalid', `a public folder name cannot contain '/' or control characters: '${name}'`);
  return n;
}

function checkAccess(a: string): PublicAccess {
  if (a === 'none' || a === 'read' || a === 'write') return a;
  throw new StoreError('Invalid', `default access is none, read or write, not '${a}'`);
}

function pathOf(folder: Folder, byId: Map<number, Folder>): string {
  const names: string[] = [];
  for (let f: Folder | undefined = folder, depth = 0; f && depth < 64; f = f.parentId === null ? undefined : byId.get(f.parentId), depth++) names.unshift(f.name);
  return names.join('/');
}

async function grantViews(store: Store, grants: Grant[]): Promise<PublicFolderGrantView[]> {
  const out: PublicFolderGrantView[] = [];
  for (const g of grants) {
    if (g.status !== 'accepted' || (g.rights !== 'read' && g.rights !== 'write')) continue;
    const grantee = await store.getAccount(g.granteeId);
    if (!grantee || (grantee.kind !== 'user' && grantee.kind !== 'group')) continue;
    out.push({ grantee: grantee.email, granteeKind: grantee.kind, rights: g.rights });
  }
  return out.sort((a, b) => a.grantee.localeCompare(b.grantee));
}

function view(owner: Account, f: Folder, byId: Map<number, Folder>, grants: PublicFolderGrantView[]): PublicFolderView {
  return {
    id: f.id, name: f.name, path: pathOf(f, byId), parentId: f.parentId, kind: f.kind as PublicFolderKind,
    defaultAccess: publicAccessOf(owner, f), grants, createdAt: f.createdAt,
  };
}

/** Every public folder of the domain, in path order ([] when it has none). */
export async function listPublicFolders(store: Store, domain: Domain): Promise<PublicFolderView[]> {
  const owner = await publicFolderOwner(store, domain, false);
  if (!owner) return [];
  const folders = await store.listFolders(owner.id);
  const byId = new Map(folders.map((f) => [f.id, f]));
  const grants = await store.listGrantsByOwner(owner.id);
  const out: PublicFolderView[] = [];
  for (const f of folders) out.push(view(owner, f, byId, await grantViews(store, grants.filter((g) => g.folderId === f.id))));
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** One public folder of the domain; NotFound for any other folder id (another domain's, a user's). */
export async function getPublicFolder(store: Store, domain: Domain, id: number): Promise<PublicFolderView> {
  const found = (await listPublicFolders(store, domain)).find((f) => f.id === id);
  if (!found) throw new StoreError('NotFound', `no public folder ${id} in ${domain.name}`);
  return found;
}

export const publicFolderTarget = (domain: Domain, path: string) => `public-folder:${domain.name}/${path}`;

/** Tells every user of the domain that the folders shared with them changed (FolderSync, IMAP LIST, DAV homes). */
async function signalDomain(store: Store, domain: Domain): Promise<void> {
  for (const a of await store.listAccounts(domain.id)) if (a.kind === 'user') await store.signal(a.id, GRANTS_SIGNAL);
}

async function sibling(store: Store, owner: Account, parentId: number | null, name: string, except?: number): Promise<boolean> {
  const lower = name.toLowerCase();
  return (await store.listFolders(owner.id)).some((f) => f.parentId === parentId && f.id !== except && f.name.toLowerCase() === lower);
}

export interface NewPublicFolder { name: string; kind: PublicFolderKind; parentId?: number | null; defaultAccess?: PublicAccess }

export async function createPublicFolder(store: Store, by: AdminActor, domain: Domain, input: NewPublicFolder): Promise<PublicFolderView> {
  const name = checkName(input.name);
  if (!PUBLIC_FOLDER_KINDS.includes(input.kind)) throw new StoreError('Invalid', `a public folder is one of ${PUBLIC_FOLDER_KINDS.join(', ')}, not '${input.kind}'`);
  const access = checkAccess(input.defaultAccess ?? 'read');
  const owner = (await publicFolderOwner(store, domain, true))!;
  const parentId = input.parentId ?? null;
  if (parentId !== null) {
    const parent = await store.getFolder(parentId);
    if (!parent || parent.accountId !== owner.id) throw new StoreError('NotFound', `no public folder ${parentId} in ${domain.name}`);
  }
  if (await sibling(store, owner, parentId, name)) throw new StoreError('Conflict', `a public folder named '${name}' exists there`);
  const f = await store.createFolder({ accountId: owner.id, parentId, name, kind: input.kind, props: { [PUBLIC_ACCESS_PROP]: access } });
  const created = await getPublicFolder(store, domain, f.id);
  await auditChange(store, by, 'public-folder.created', publicFolderTarget(domain, created.path), null, created);
  await signalDomain(store, domain);
  return created;
}

export interface PublicFolderPatch { name?: string; parentId?: number | null; defaultAccess?: PublicAccess }

/** Renames, moves (never under itself) or changes the default access of a public folder. */
export async function updatePublicFolder(store: Store, by: AdminActor, domain: Domain, id: number, patch: PublicFolderPatch): Promise<PublicFolderView> {
  const before = await getPublicFolder(store, domain, id);
  const owner = (await publicFolderOwner(store, domain, false))!;
  const folder = (await store.getFolder(id))!;
  const name = patch.name !== undefined ? checkName(patch.name) : folder.name;
  const parentId = patch.parentId !== undefined ? patch.parentId : folder.parentId;
  if (parentId !== folder.parentId && parentId !== null) {
    const all = new Map((await store.listFolders(owner.id)).map((f) => [f.id, f]));
    if (!all.has(parentId)) throw new StoreError('NotFound', `no public folder ${parentId} in ${domain.name}`);
    for (let p: number | null = parentId; p !== null; p = all.get(p)?.parentId ?? null) {
      if (p === id) throw new StoreError('Invalid', 'a public folder cannot move under itself');
    }
  }
  if ((name !== folder.name || parentId !== folder.parentId) && (await sibling(store, owner, parentId, name, id))) {
    throw new StoreError('Conflict', `a public folder named '${name}' exists there`);
  }
  const props = patch.defaultAccess !== undefined ? { ...folder.props, [PUBLIC_ACCESS_PROP]: checkAccess(patch.defaultAccess) } : folder.props;
  await store.updateFolder(id, { name, parentId, props });
  const after = await getPublicFolder(store, domain, id);
  // An idempotent repeat (the same PATCH again) changes nothing and leaves no audit entry.
  if (isDeepStrictEqual(before, after)) return after;
  await auditChange(store, by, 'public-folder.updated', publicFolderTarget(domain, after.path), before, after);
  await signalDomain(store, domain);
  return after;
}

/** Deletes a public folder with its subfolders and every item in them. */
export async function deletePublicFolder(store: Store, by: AdminActor, domain: Domain, id: number): Promise<void> {
  const before = await getPublicFolder(store, domain, id);
  await store.deleteFolder(id);
  await auditChange(store, by, 'public-folder.deleted', publicFolderTarget(domain, before.path), before, null);
  await signalDomain(store, domain);
}

/**
 * Gives a user or a group of the domain read or write access to one public folder beyond its
 * default, or takes it back ('none'). Idempotent.
 */
export async function setPublicFolderGrant(
  store: Store, by: AdminActor, domain: Domain, id: number, granteeEmail: string, rights: 'read' | 'write' | 'none',
): Promise<PublicFolderView> {
  const before = await getPublicFolder(store, domain, id);
  const grantee = await store.getAccount(granteeEmail.trim().toLowerCase());
  // Another domain's account answers as an unknown one: nothing confirms it exists.
  if (!grantee || grantee.domainId !== domain.id || (grantee.kind !== 'user' && grantee.kind !== 'group')) {
    throw new StoreError('NotFound', `no user or group ${granteeEmail} in ${domain.name}`);
  }
  if (rights !== 'read' && rights !== 'write' && rights !== 'none') throw new StoreError('Invalid', `rights are read, write or none, not '${rights}'`);
  const owner = (await publicFolderOwner(store, domain, false))!;
  const existing = (await store.listGrantsByOwner(owner.id)).find((g) => g.folderId === id && g.granteeId === grantee.id);
  if (rights === 'none') {
    if (existing) await store.deleteGrant(existing.id);
  } else if (existing) {
    await store.updateGrant(existing.id, { rights, status: 'accepted' });
  } else {
    await store.createGrant({ ownerId: owner.id, granteeId: grantee.id, folderId: id, rights, status: 'accepted' });
  }
  const after = await getPublicFolder(store, domain, id);
  if (isDeepStrictEqual(before, after)) return after; // nothing changed: nothing to audit or signal
  await auditChange(store, by, 'public-folder.grant', publicFolderTarget(domain, after.path), before, after, { grantee: grantee.email, rights });
  const members = grantee.kind === 'group' ? await store.listGroupMembers(grantee.id) : [grantee];
  for (const a of members) await store.signal(a.id, GRANTS_SIGNAL);
  return after;
}

/** Removes the domain's public-folder owner with every public folder (domain deletion). */
export async function deletePublicFolderOwner(store: Store, domain: Domain): Promise<void> {
  const owner = await publicFolderOwner(store, domain, false);
  if (owner) await store.deleteAccount(owner.id);
}
