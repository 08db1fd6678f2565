/**
 * The contacts of the domain's public address books (src/admin/public-folders.ts) that a user
 * may read, as directory entries: what ActiveSync's GAL (Search Store=GAL, Find, ResolveRecipients)
 * shows beside the domain's accounts (issue 12: "GAL from the domain's users, groups, resources
 * and public contacts").
 *
 * Who sees them is the one rule (src/auth/folder-access.ts): only the public folders of the
 * user's own domain, only those the user may read (default access or a grant), so another
 * domain's users never see them. The fields come from the vCard (RFC 6350 / RFC 2426): FN, N,
 * EMAIL (one entry per address; a card without an address is one entry without), TEL (work,
 * cell, home), ORG, TITLE. A card that does not parse is skipped.
 */
import ICAL from 'ical.js';
import type { Account } from '../model/types.js';
import type { Store } from '../store/store.js';
import { sharedFolders } from '../auth/folder-access.js';
import { parseVCard } from './parse.js';

export interface DirectoryContact {
  /** The public address book's folder and the card's item: a stable key. */
  folderId: number;
  itemId: number;
  displayName: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  mobilePhone?: string;
  homePhone?: string;
  company?: string;
  title?: string;
}

/** Cards read per call at most: a GAL lookup is interactive, a huge public folder must not stall it. */
export const MAX_PUBLIC_CONTACTS = 20_000;

type Prop = InstanceType<typeof ICAL.Property>;

const text = (v: unknown): string => (Array.isArray(v) ? v.map(text).filter(Boolean).join(' ') : typeof v === 'string' ? v.trim() : '');

/** TYPE parameter values of a property, lower-case (vCard 3 lists and vCard 4 comma values). */
function types(p: Prop): string[] {
  const t = p.getParameter('type');
  const list = Array.isArray(t) ? t : typeof t === 'string' ? [t] : [];
  return list.flatMap((x) => String(x).toLowerCase().split(','));
}

function tel(props: Prop[], want: (t: string[]) => boolean): string | undefined {
  const hit = props.find((p) => want(types(p)));
  const v = hit ? text(hit.getFirstValue()).replace(/^tel:/i, '') : '';
  return v || undefined;
}

/** The directory entries of one vCard (one per EMAIL, or one without an address). */
export function contactEntries(card: string, folderId: number, itemId: number): DirectoryContact[] {
  let root;
  try { root = parseVCard(card); } catch { return []; }
  const n = root.getFirstPropertyValue('n');
  const [family, given] = Array.isArray(n) ? [text(n[0]), text(n[1])] : ['', ''];
  const fn = text(root.getFirstPropertyValue('fn')) || [given, family].filter(Boolean).join(' ');
  const org = root.getFirstPropertyValue('org');
  const tels = root.getAllProperties('tel');
  const base: DirectoryContact = {
    folderId, itemId, displayName: fn,
    ...(given ? { firstName: given } : {}), ...(family ? { lastName: family } : {}),
  };
  const phone = tel(tels, (t) => t.includes('work') && !t.includes('fax')) ?? tel(tels, (t) => !t.includes('cell') && !t.includes('home') && !t.includes('fax'));
  const mobile = tel(tels, (t) => t.includes('cell'));
  const home = tel(tels, (t) => t.includes('home') && !t.includes('fax'));
  const company = Array.isArray(org) ? text(org[0]) : text(org);
  const title = text(root.getFirstPropertyValue('title'));
  if (phone) base.phone = phone;
  if (mobile) base.mobilePhone = mobile;
  if (home) base.homePhone = home;
  if (company) base.company = company;
  if (title) base.title = title;
  const emails = root.getAllProperties('email').map((p) => text(p.getFirstValue()).replace(/^mailto:/i, '')).filter((e) => e.includes('@'));
  if (!base.displayName) base.displayName = emails[0] ?? '';
  if (!base.displayName) return [];
  return emails.length ? emails.map((email) => ({ ...base, email })) : [base];
}

/** Every entry of the public address books `user` may read, by display name. */
export async function publicContacts(store: Store, user: Account): Promise<DirectoryContact[]> {
  const books = (await sharedFolders(store, user)).filter((s) => s.owner.kind === 'public' && s.folder.kind === 'contacts');
  const out: DirectoryContact[] = [];
  let read = 0;
  for (const { folder } of books) {
    for (const item of await store.listItems(folder.id)) {
      if (++read > MAX_PUBLIC_CONTACTS) break;
      if (item.content) out.push(...contactEntries(item.content, folder.id, item.id));
    }
  }
  return out.sort((a, b) => a.displayName.localeCompare(b.displayName));
}

const words = (s: string) => s.toLowerCase().split(/[\s"'<>(),;.@_-]+/).filter(Boolean);

/** Whether an entry matches a GAL query the way accounts do: the name, a word of it, or the address starts with `q` (lower-case). */
export function contactMatches(c: DirectoryContact, q: string): boolean {
  const name = c.displayName.toLowerCase();
  return name.startsWith(q) || words(name).some((w) => w.startsWith(q)) || (c.email ?? '').toLowerCase().startsWith(q);
}
