// Mail folders of other accounts this user may read (src/auth/folder-access.ts): other users'
// folders shared by grants in the "other users" namespace (RFC 2342) as
// "Shared/<owner address>/<owner's folder name>", and the domain's public mail folders in the
// public namespace as "Public Folders/<path>" (./public.ts).
import type { Store } from '../../../src/store/store.js';
import type { Account, Folder } from '../../../src/model/types.js';
import { sharedFolders } from '../../../src/auth/folder-access.js';
import { DELIMITER, mailFolderNames } from '../../../src/mail/mailbox-view.js';
import { resolveFolder, type MailboxEntry } from './mailboxes.js';
import { PUBLIC_PREFIX, publicTree } from './public.js';

export const SHARED_PREFIX = `Shared${DELIMITER}`;

export interface SharedMailbox extends MailboxEntry { writable: boolean }

/** Shared and public mailboxes, with the \Noselect names above the public ones (LIST shows them). */
export async function otherMailboxes(store: Store, user: Account): Promise<{ mailboxes: SharedMailbox[]; noselect: string[] }> {
  const all = await sharedFolders(store, user);
  const shared = all.filter((s) => s.folder.kind === 'mail' && s.owner.kind !== 'public');
  const names = new Map<number, Map<number, string>>();
  const out: SharedMailbox[] = [];
  for (const s of shared) {
    if (!names.has(s.owner.id)) names.set(s.owner.id, new Map((await mailFolderNames(store, s.owner.id)).map((e) => [e.folder.id, e.name])));
    const own = names.get(s.owner.id)!.get(s.folder.id) ?? s.folder.name;
    out.push({ folder: s.folder, name: `${SHARED_PREFIX}${s.owner.email}${DELIMITER}${own}`, attributes: ['\\HasNoChildren'], hasChildren: false, writable: s.access === 'write' });
  }
  const pub = await publicTree(store, all);
  return { mailboxes: [...out, ...pub.mailboxes], noselect: pub.parents };
}

export async function sharedMailboxes(store: Store, user: Account): Promise<SharedMailbox[]> {
  return (await otherMailboxes(store, user)).mailboxes;
}

/**
 * A mailbox by name: the user's own (writable) or a shared or public one with the access the rule
 * gives. `read`: the user's mail folders, when the caller has just read them.
 */
export async function resolveMailbox(store: Store, user: Account, name: string, read?: Folder[]): Promise<{ folder: Folder; writable: boolean } | null> {
  const own = await resolveFolder(store, user.id, name, read);
  if (own) return { folder: own, writable: true };
  if (!name.startsWith(SHARED_PREFIX) && !name.startsWith(PUBLIC_PREFIX)) return null;
  const hit = (await sharedMailboxes(store, user)).find((m) => m.name === name);
  return hit ? { folder: hit.folder, writable: hit.writable } : null;
}
