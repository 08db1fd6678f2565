import type { Store } from '../store/store.js';
import type { Folder, FolderRole } from '../model/types.js';

/** RFC 6154 special-use attributes of the mail folder roles (INBOX has none: it is the name). */
export const SPECIAL_USE: Partial<Record<FolderRole, string>> = {
  drafts: '\\Drafts', sent: '\\Sent', junk: '\\Junk', trash: '\\Trash', archive: '\\Archive',
};

/** The hierarchy delimiter of mail folder names (RFC 9051 §5.1.1 LIST answers it). */
export const DELIMITER = '/';

/**
 * Mail folders with their full names as IMAP shows them: INBOX first, then by name. `read`: the
 * account's mail folders as the caller has just read them (`listFolders(accountId, 'mail')`).
 */
export async function mailFolderNames(store: Store, accountId: number, read?: Folder[]): Promise<{ folder: Folder; name: string }[]> {
  const folders = read ?? await store.listFolders(accountId, 'mail');
  const byId = new Map(folders.map((f) => [f.id, f]));
  const fullName = (f: Folder): string => {
    const parts = [f.role === 'inbox' ? 'INBOX' : f.name];
    for (let p = f.parentId !== null ? byId.get(f.parentId) : undefined, n = 0; p && n < 64; p = p.parentId !== null ? byId.get(p.parentId) : undefined, n++) {
      parts.unshift(p.role === 'inbox' ? 'INBOX' : p.name);
    }
    return parts.join(DELIMITER);
  };
  return folders.map((folder) => ({ folder, name: fullName(folder) }))
    .sort((a, b) => (a.folder.role === 'inbox' ? -1 : b.folder.role === 'inbox' ? 1 : a.name.localeCompare(b.name)));
}

/**
 * A mail folder by the name IMAP shows (INBOX in any case, RFC 9051 §5.1) or by special use
 * (\Sent, \Drafts, \Junk, \Trash, \Archive); null when the account has none.
 */
export async function findMailFolder(store: Store, accountId: number, nameOrUse: string, read?: Folder[]): Promise<Folder | null> {
  if (nameOrUse.startsWith('\\')) {
    const role = (Object.entries(SPECIAL_USE).find(([, use]) => use.toLowerCase() === nameOrUse.toLowerCase())?.[0]) as FolderRole | undefined;
    return role ? store.findFolderByRole(accountId, role) : null;
  }
  // INBOX is case-insensitive, also as the first level of a path (RFC 9051 §5.1); the rest is exact.
  const canon = (n: string) => (/^inbox(\/|$)/i.test(n) ? `INBOX${n.slice(5)}` : n);
  const hit = (await mailFolderNames(store, accountId, read)).find(({ name }) => canon(name) === canon(nameOrUse));
  return hit?.folder ?? null;
}

/** One field of a tab-separated line: no tabs or line breaks inside. */
const field = (s: string) => s.replace(/[\t\r\n]+/g, ' ');

/** `hearth mailbox list` lines (CONTRACT.md): name, special use, messages, unseen, bytes. */
export async function mailboxListLines(store: Store, accountId: number): Promise<string[]> {
  const out: string[] = [];
  for (const { folder, name } of await mailFolderNames(store, accountId)) {
    const s = await store.mailboxStatus(folder.id);
    out.push([field(name), (folder.role && SPECIAL_USE[folder.role]) || '-', s.messages, s.unseen, s.bytes].join('\t'));
  }
  return out;
}

/** `hearth mailbox messages` lines (CONTRACT.md): uid, flags, size, date (ISO 8601), from, subject. */
export async function mailboxMessageLines(store: Store, folderId: number): Promise<string[]> {
  return (await store.listMessages(folderId)).map((m) => [
    m.uid, m.flags.join(' '), m.size, new Date(m.internalDate).toISOString(), field(m.parsed.from), field(m.parsed.subject),
  ].join('\t'));
}
