// Mailbox names between the wire and the store: modified UTF-7 unless UTF8=ACCEPT is enabled
// (RFC 3501 §5.1.3, RFC 6855 §3), INBOX in any case (RFC 9051 §5.1), "/" as the hierarchy
// delimiter, and the LIST wildcards "*" and "%" (RFC 9051 §6.3.9).
import type { Store } from '../../../src/store/store.js';
import type { Folder } from '../../../src/model/types.js';
import { DELIMITER, SPECIAL_USE, findMailFolder, mailFolderNames } from '../../../src/mail/mailbox-view.js';
import { decodeMutf7, encodeMutf7, syntaxError } from '../codec/index.js';
import type { Session } from './session.js';

export { DELIMITER };

/** The name as the store knows it; throws a codec syntax error (BAD) for bad modified UTF-7. */
export function decodeName(s: Session, raw: string): string {
  const name = s.enabled.has('UTF8=ACCEPT') ? raw : decodeMutf7(raw);
  if (name.length > 1000) throw syntaxError('mailbox name too long');
  return /^inbox$/i.test(name) ? 'INBOX' : name.replace(/^inbox\//i, 'INBOX/');
}

export function encodeName(s: Session, name: string): string {
  return s.enabled.has('UTF8=ACCEPT') ? name : encodeMutf7(name);
}

/** `read`: the account's mail folders, when the caller has just read them. */
export function resolveFolder(store: Store, accountId: number, name: string, read?: Folder[]): Promise<Folder | null> {
  // A leading backslash is our internal special-use lookup, never a name a client may use.
  if (name.startsWith('\\')) return Promise.resolve(null);
  return findMailFolder(store, accountId, name, read);
}

export interface MailboxEntry { folder: Folder; name: string; attributes: string[]; hasChildren: boolean }

/** Every mail folder with its LIST attributes (RFC 9051 §7.3.1, RFC 6154 special use). */
export async function mailboxEntries(store: Store, accountId: number): Promise<MailboxEntry[]> {
  const all = await mailFolderNames(store, accountId);
  const parents = new Set(all.map((e) => e.folder.parentId).filter((p) => p !== null));
  return all.map(({ folder, name }) => {
    const hasChildren = parents.has(folder.id);
    const attributes = [hasChildren ? '\\HasChildren' : '\\HasNoChildren'];
    const use = folder.role ? SPECIAL_USE[folder.role] : undefined;
    if (use) attributes.push(use);
    return { folder, name, attributes, hasChildren };
  });
}

/** A LIST pattern as a regular expression: "*" anything, "%" anything but the delimiter. */
export function patternRegex(reference: string, pattern: string): RegExp {
  const full = pattern.startsWith(DELIMITER) || reference === '' ? pattern : reference.endsWith(DELIMITER) ? reference + pattern : reference + DELIMITER + pattern;
  const body = [...full].map((ch) => (ch === '*' ? '.*' : ch === '%' ? '[^/]*' : ch.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))).join('');
  // INBOX matches in any case (RFC 9051 §5.1); the names it is tested on spell it INBOX.
  return new RegExp(`^${body.replace(/^inbox(?=$|\/|\[)/i, 'INBOX')}$`);
}
