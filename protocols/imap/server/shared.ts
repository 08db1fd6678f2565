// Other users' mail folders shared with this user (grants, src/auth/folder-access.ts), shown in
// the "other users" namespace (RFC 2342) as "Shared/<owner address>/<owner's folder name>".
import type { Store } from '../../../src/store/store.js';
import type { Account, Folder } from '../../../src/model/types.js';
import { sharedFolders } from '../../../src/auth/folder-access.js';
import { DELIMITER, mailFolderNames } from '../../../src/mail/mailbox-view.js';
import { resolveFolder, type MailboxEntry } from './mailboxes.js';

export const SHARED_PREFIX = `Shared${DELIMITER}`;

export interface SharedMailbox extends MailboxEntry { writable: boolean }

export async function sharedMailboxes(store: Store, user: Account): Promise<SharedMailbox[]> {
  const shared = (await sharedFolders(store, user)).filter((s) => s.folder.kind === 'mail');
  const names = new Map<number, Map<number, string>>();
  const out: SharedMailbox[] = [];
  for (const s of shared) {
    if (!names.has(s.owner.id)) names.set(s.owner.id, new Map((await mailFolderNames(store, s.owner.id)).map((e) => [e.folder.id, e.name])));
    const own = names.get(s.owner.id)!.get(s.folder.id) ?? s.folder.name;
    out.push({ folder: s.folder, name: `${SHARED_PREFIX}${s.owner.email}${DELIMITER}${own}`, attributes: ['\\HasNoChildren'], hasChildren: false, writable: s.access === 'write' });
  }
  return out;
}

/** A mailbox by name: the user's own (writable) or a shared one with the access its grant gives. */
export async function resolveMailbox(store: Store, user: Account, name: string): Promise<{ folder: Folder; writable: boolean } | null> {
  const own = await resolveFolder(store, user.id, name);
  if (own) return { folder: own, writable: true };
  if (!name.startsWith(SHARED_PREFIX)) return null;
  const hit = (await sharedMailboxes(store, user)).find((m) => m.name === name);
  return hit ? { folder: hit.folder, writable: hit.writable } : null;
}
