/**
 * Delegation: an owner lets another account of the same domain (or a group) read or write all of
 * their calendars and address books (a grant without a folder: CalDAV calendar-proxy-read/-write),
 * or one folder. Shared by the CLI and the admin API; every change is audited.
 * Tenant isolation: a grant never crosses domains.
 */
import type { Account, Grant, GrantRights } from '../model/types.js';
import type { Store } from '../store/store.js';
import { StoreError } from '../store/errors.js';
import { GRANTS_SIGNAL } from '../model/signals.js';

export interface Actor { actor: string; source: string | null }

async function pair(store: Store, ownerEmail: string, delegateEmail: string): Promise<[Account, Account]> {
  const owner = await store.getAccount(ownerEmail);
  const delegate = await store.getAccount(delegateEmail);
  // Public folders have their own grants (src/admin/public-folders.ts); their owner is no account here.
  if (!owner || owner.kind === 'public') throw new StoreError('NotFound', `no such account: ${ownerEmail}`);
  if (!delegate || delegate.kind === 'public') throw new StoreError('NotFound', `no such account: ${delegateEmail}`);
  if (owner.domainId !== delegate.domainId) throw new StoreError('Invalid', 'delegation stays inside one domain');
  if (owner.id === delegate.id) throw new StoreError('Invalid', 'an account cannot delegate to itself');
  return [owner, delegate];
}

async function folderId(store: Store, owner: Account, folderName: string | undefined): Promise<number | null> {
  if (folderName === undefined) return null;
  const folder = (await store.listFolders(owner.id)).find((f) => f.name.toLowerCase() === folderName.toLowerCase() && f.kind !== 'mail' && f.kind !== 'files');
  if (!folder) throw new StoreError('NotFound', `${owner.email} has no calendar, address book, task or note folder named ${folderName}`);
  return folder.id;
}

/** Creates or changes the grant (one per owner, delegate and folder). */
export async function delegate(store: Store, ownerEmail: string, delegateEmail: string, rights: GrantRights, folderName: string | undefined, by: Actor): Promise<Grant> {
  const [owner, grantee] = await pair(store, ownerEmail, delegateEmail);
  const fid = await folderId(store, owner, folderName);
  const existing = (await store.listGrantsByOwner(owner.id)).find((g) => g.granteeId === grantee.id && g.folderId === fid);
  const grant = existing
    ? await store.updateGrant(existing.id, { rights, status: 'accepted' })
    : await store.createGrant({ ownerId: owner.id, granteeId: grantee.id, folderId: fid, rights, status: 'accepted' });
  await signalGrantee(store, grantee);
  await store.audit({ actor: by.actor, action: 'delegation.set', target: `account:${owner.email}`, source: by.source, detail: { delegate: grantee.email, rights, folder: folderName ?? null } });
  return grant;
}

export async function undelegate(store: Store, ownerEmail: string, delegateEmail: string, folderName: string | undefined, by: Actor): Promise<void> {
  const [owner, grantee] = await pair(store, ownerEmail, delegateEmail);
  const fid = await folderId(store, owner, folderName);
  const existing = (await store.listGrantsByOwner(owner.id)).find((g) => g.granteeId === grantee.id && g.folderId === fid);
  if (!existing) throw new StoreError('NotFound', `${grantee.email} has no such delegation from ${owner.email}`);
  await store.deleteGrant(existing.id);
  await signalGrantee(store, grantee);
  await store.audit({ actor: by.actor, action: 'delegation.removed', target: `account:${owner.email}`, source: by.source, detail: { delegate: grantee.email, folder: folderName ?? null } });
}

/** Tells the accounts that gain or lose access (a group's members) that their shared folders changed. */
async function signalGrantee(store: Store, grantee: Account): Promise<void> {
  const accounts = grantee.kind === 'group' ? await store.listGroupMembers(grantee.id) : [grantee];
  for (const a of accounts) await store.signal(a.id, GRANTS_SIGNAL);
}

/** One line a grant: delegate, rights, folder (or "all"), status. */
export async function delegationLines(store: Store, ownerEmail: string): Promise<string[]> {
  const owner = await store.getAccount(ownerEmail);
  if (!owner) throw new StoreError('NotFound', `no such account: ${ownerEmail}`);
  const folders = new Map((await store.listFolders(owner.id)).map((f) => [f.id, f.name]));
  const lines: string[] = [];
  for (const g of await store.listGrantsByOwner(owner.id)) {
    const grantee = await store.getAccount(g.granteeId);
    lines.push([grantee?.email ?? `#${g.granteeId}`, g.rights, g.folderId === null ? 'all' : folders.get(g.folderId) ?? `#${g.folderId}`, g.status].join('\t'));
  }
  return lines;
}
