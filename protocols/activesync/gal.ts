/**
 * The global address list as Search (Store GAL), Find (GalSearchCriterion) and ResolveRecipients
 * show it: the enabled accounts of the user's domain (users, groups, resources; src/store
 * listAccounts, which never lists the public-folder owner) and the contacts of the domain's public
 * address books the user may read (src/pim/public-contacts.ts), one list ordered by display name.
 */
import type { Account } from '../../src/model/types.js';
import { contactMatches, publicContacts, type DirectoryContact } from '../../src/pim/public-contacts.js';
import type { CommandContext } from './commands/types.js';
import { el, type WbxmlElement } from './wbxml/types.js';
import { galPicture, PictureStatus, type PictureBudget } from './gal-picture.js';

export type GalEntry = { account: Account; contact?: undefined } | { contact: DirectoryContact; account?: undefined };

const nameOf = (e: GalEntry) => (e.account ? e.account.displayName ?? e.account.email : e.contact.displayName);

/** Accounts (already matched by the caller's rule) and the public contacts matching `q`, by display name. */
export async function withPublicContacts(ctx: CommandContext, accounts: Account[], q: string): Promise<GalEntry[]> {
  const contacts = (await publicContacts(ctx.store, ctx.account)).filter((c) => contactMatches(c, q));
  return [...accounts.map((account) => ({ account })), ...contacts.map((contact) => ({ contact }))]
    .sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
}

/** A public contact's GAL Properties ([MS-ASCMD] 2.2.3.139.2; [MS-ASCMD] 2.1.2.1.17 GAL code page). */
export function contactProperties(c: DirectoryContact): WbxmlElement[] {
  const props = [el('GAL', 'DisplayName', c.displayName)];
  if (c.phone) props.push(el('GAL', 'Phone', c.phone));
  if (c.title) props.push(el('GAL', 'Title', c.title));
  if (c.company) props.push(el('GAL', 'Company', c.company));
  if (c.email) props.push(el('GAL', 'Alias', c.email.split('@')[0]));
  if (c.firstName) props.push(el('GAL', 'FirstName', c.firstName));
  if (c.lastName) props.push(el('GAL', 'LastName', c.lastName));
  if (c.homePhone) props.push(el('GAL', 'HomePhone', c.homePhone));
  if (c.mobilePhone) props.push(el('GAL', 'MobilePhone', c.mobilePhone));
  if (c.email) props.push(el('GAL', 'EmailAddress', c.email));
  return props;
}

/** One GAL entry's Properties; `accountProps` renders an account, a contact has no photo (Picture Status 173). */
export async function entryProperties(ctx: CommandContext, e: GalEntry, accountProps: (a: Account) => WbxmlElement[], pictures: PictureBudget | null): Promise<WbxmlElement[]> {
  if (e.account) {
    const props = accountProps(e.account);
    if (pictures) props.push(galPicture(await pictures.of(ctx, e.account)));
    return props;
  }
  const props = contactProperties(e.contact);
  if (pictures) props.push(galPicture({ status: PictureStatus.NoPicture }));
  return props;
}
