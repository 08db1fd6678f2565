// The domain's public mail folders (src/admin/public-folders.ts) in the public namespace of
// RFC 2342 §5 ("Shared Namespace(s)"): "Public Folders/<path in the public tree>", with the
// access the one rule gives (src/auth/folder-access.ts: the folder's default access for every
// user of the domain, raised by grants). A public folder that is not a mail folder, or that the
// user may not read, but has a readable mail folder under it, is listed \Noselect so that a
// client walking the tree level by level ("%") reaches the folders under it (RFC 9051 §6.3.9).
import type { Account, Folder } from '../../../src/model/types.js';
import type { SharedFolder } from '../../../src/auth/folder-access.js';
import type { Store } from '../../../src/store/store.js';
import { DELIMITER } from '../../../src/mail/mailbox-view.js';
import type { MailboxEntry } from './mailboxes.js';

/** The public namespace's prefix, as NAMESPACE announces it. */
export const PUBLIC_ROOT = 'Public Folders';
export const PUBLIC_PREFIX = `${PUBLIC_ROOT}${DELIMITER}`;

export interface PublicMailbox extends MailboxEntry { writable: boolean }

export interface PublicTree {
  /** The readable public mail folders. */
  mailboxes: PublicMailbox[];
  /** Names listed \Noselect: the namespace root and ancestors that are not readable mail folders. */
  parents: string[];
}

/** The public mail folders among the user's shared folders (all of one public owner: the user's domain's). */
export async function publicTree(store: Store, shared: SharedFolder[]): Promise<PublicTree> {
  const mine = shared.filter((s) => s.owner.kind === 'public' && s.folder.kind === 'mail');
  if (mine.length === 0) return { mailboxes: [], parents: [] };
  const all = await store.listFolders(mine[0].owner.id);
  const byId = new Map(all.map((f) => [f.id, f]));
  const path = (f: Folder): string[] => {
    const names = [f.name];
    for (let p = f.parentId === null ? undefined : byId.get(f.parentId), n = 0; p && n < 64; p = p.parentId === null ? undefined : byId.get(p.parentId), n++) names.unshift(p.name);
    return names;
  };
  const names = mine.map((s) => ({ s, name: PUBLIC_PREFIX + path(s.folder).join(DELIMITER) }));
  const selectable = new Set(names.map((n) => n.name));
  const withChildren = new Set<string>();
  const parents = new Set<string>([PUBLIC_ROOT]);
  for (const { name } of names) {
    const parts = name.split(DELIMITER);
    for (let i = 1; i < parts.length; i++) {
      const ancestor = parts.slice(0, i).join(DELIMITER);
      withChildren.add(ancestor);
      if (!selectable.has(ancestor)) parents.add(ancestor);
    }
  }
  const mailboxes = names.map(({ s, name }) => {
    const hasChildren = withChildren.has(name);
    return { folder: s.folder, name, attributes: [hasChildren ? '\\HasChildren' : '\\HasNoChildren'], hasChildren, writable: s.access === 'write' };
  }).sort((a, b) => a.name.localeCompare(b.name));
  return { mailboxes, parents: [...parents].sort() };
}

/** Whether the user's domain has a public mail folder the user may read (NAMESPACE announces the public namespace then). */
export function hasPublicMail(shared: SharedFolder[], user: Account): boolean {
  return shared.some((s) => s.owner.kind === 'public' && s.owner.domainId === user.domainId && s.folder.kind === 'mail');
}
