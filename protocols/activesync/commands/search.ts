/**
 * Search ([MS-ASCMD] 2.2.1.16) of the global address list and of the mailbox.
 *
 * GAL: the enabled accounts of the user's domain (users, groups, resources) and the contacts of
 * the domain's public address books the user may read (../gal.ts) whose display name, any word
 * of it, or address starts with the query (case-insensitive), by display name.
 *
 * Mailbox: the Query's And of Class Email, CollectionId (else every mail folder the user can
 * see; DeepTraversal is implied), FreeText (every word must occur in the subject, the senders or
 * recipients, or the preview), and GreaterThan / LessThan on Email:DateReceived. Newest first.
 * Results carry a LongId (the item's ServerId: ItemOperations and SmartReply/SmartForward take it)
 * and the message with the Options' BodyPreference.
 *
 * Range ([MS-ASCMD] 2.2.3.145.1) "a-b", at most 100 results per answer, Total the number of matches.
 */
import type { MailMessage } from '../../../src/model/mail.js';
import type { Account } from '../../../src/model/types.js';
import { child, childText, el, type WbxmlElement } from '../wbxml/types.js';
import { collectionFolder, parseBodyPreferences } from '../sync/collection.js';
import { serverIdOf } from '../sync/ids.js';
import { emailOptions, messageData } from '../sync/mail.js';
import { easFolderType } from '../folders.js';
import { parseEasDate } from '../convert/util.js';
import { addressList } from '../convert/email.js';
import { type CommandContext, type CommandResult, type WbxmlCommand, wbxml } from './types.js';
import { pictureOption } from '../gal-picture.js';
import { entryProperties, withPublicContacts } from '../gal.js';

const NS = 'Search';
const AS = 'AirSync';

/** [MS-ASCMD] 2.2.3.177.13 Status (Search and its Store). */
export const SearchStatus = { Success: 1, InvalidRequest: 2, ServerError: 3, NotFound: 6, TooComplex: 8 } as const;

const MAX_RESULTS = 100;
/** Messages looked at per mailbox search (newest folders' messages first). */
const MAX_SCANNED = 20_000;

function range(options: WbxmlElement | undefined): { start: number; end: number } | null {
  const r = options ? childText(options, 'Range', NS) : undefined;
  if (r === undefined) return { start: 0, end: MAX_RESULTS - 1 };
  const m = /^\s*(\d{1,6})-(\d{1,6})\s*$/.exec(r);
  if (!m || Number(m[2]) < Number(m[1])) return null;
  return { start: Number(m[1]), end: Math.min(Number(m[2]), Number(m[1]) + MAX_RESULTS - 1) };
}

function storeAnswer(status: number, results: WbxmlElement[] = [], total?: number, from = 0): WbxmlElement {
  const out = [el(NS, 'Status', String(status))];
  if (status === SearchStatus.Success) {
    if (results.length) {
      out.push(...results, el(NS, 'Range', `${from}-${from + results.length - 1}`), el(NS, 'Total', String(total ?? results.length)));
    } else {
      out.push(el(NS, 'Result'), el(NS, 'Total', '0'));
    }
  }
  return el(NS, 'Store', out);
}

const words = (s: string) => s.toLowerCase().split(/[\s"'<>(),;.@_-]+/).filter(Boolean);

/** The domain's enabled accounts matching a GAL query, by display name (shared with Find). */
export async function galHits(ctx: CommandContext, q: string) {
  const accounts = (await ctx.store.listAccounts(ctx.account.domainId)).filter((a) => !a.disabled);
  return accounts.filter((a) => {
    const name = (a.displayName ?? '').toLowerCase();
    return name.startsWith(q) || words(name).some((w) => w.startsWith(q)) || a.email.toLowerCase().startsWith(q);
  }).sort((a, b) => (a.displayName ?? a.email).localeCompare(b.displayName ?? b.email));
}

/** A GAL entry's Properties ([MS-ASCMD] 2.2.3.139.2): names, alias and address (shared with Find). */
export function galProperties(a: Account): WbxmlElement[] {
  const name = a.displayName ?? a.email.split('@')[0];
  const [first, ...rest] = name.split(/\s+/);
  const props = [el('GAL', 'DisplayName', name), el('GAL', 'Alias', a.email.split('@')[0])];
  if (a.kind === 'user' && rest.length) props.push(el('GAL', 'FirstName', first), el('GAL', 'LastName', rest.join(' ')));
  props.push(el('GAL', 'EmailAddress', a.email));
  return props;
}

async function searchGal(ctx: CommandContext, query: string, options: WbxmlElement | undefined): Promise<WbxmlElement> {
  const r = range(options);
  const q = query.trim().toLowerCase();
  if (!r || q.length === 0) return storeAnswer(SearchStatus.InvalidRequest);
  // The domain's accounts and its public contacts the user may read (../gal.ts).
  const hits = await withPublicContacts(ctx, await galHits(ctx, q), q);
  const page = hits.slice(r.start, r.end + 1);
  // Picture (14.1+, [MS-ASCMD] 2.2.3.135.3): each entry's photo within MaxSize / MaxPictures.
  const pictures = ctx.atLeast('14.1') ? pictureOption(options, NS) : null;
  const results: WbxmlElement[] = [];
  for (const e of page) results.push(el(NS, 'Result', [el(NS, 'Properties', await entryProperties(ctx, e, galProperties, pictures))]));
  return storeAnswer(SearchStatus.Success, results, hits.length, r.start);
}

export interface MailQuery { folderIds: string[]; words: string[]; after?: number; before?: number; }

/** The mailbox Query: And of Class, CollectionId, FreeText, GreaterThan / LessThan DateReceived. */
function mailQuery(q: WbxmlElement): MailQuery | null {
  const and = child(q, 'And', NS) ?? q;
  const out: MailQuery = { folderIds: [], words: [] };
  for (const c of and.children) {
    if (c.ns === AS && c.tag === 'Class') { if ((c.text ?? '').trim() !== 'Email') return null; }
    else if (c.ns === AS && c.tag === 'CollectionId') out.folderIds.push((c.text ?? '').trim());
    else if (c.ns === NS && c.tag === 'FreeText') out.words.push(...(c.text ?? '').toLowerCase().split(/\s+/).filter(Boolean));
    else if (c.ns === NS && (c.tag === 'GreaterThan' || c.tag === 'LessThan')) {
      let when: number | undefined;
      try { when = parseEasDate(childText(c, 'Value', NS)); } catch { return null; }
      if (when === undefined) return null;
      if (c.tag === 'GreaterThan') out.after = when; else out.before = when;
    } else if (c.tag !== 'And') return null;
  }
  return out;
}

export function matches(m: MailMessage, q: MailQuery): boolean {
  if (q.after !== undefined && m.internalDate <= q.after) return false;
  if (q.before !== undefined && m.internalDate >= q.before) return false;
  if (q.words.length === 0) return true;
  const env = m.parsed.envelope;
  const hay = [m.parsed.subject, m.parsed.from, addressList(env.from), addressList(env.to), addressList(env.cc), m.parsed.preview].join('\n').toLowerCase();
  return q.words.every((w) => hay.includes(w));
}

async function searchMailbox(ctx: CommandContext, query: WbxmlElement, options: WbxmlElement | undefined): Promise<WbxmlElement> {
  const r = range(options);
  const q = mailQuery(query);
  if (!r || !q) return storeAnswer(SearchStatus.InvalidRequest);
  let folderIds: number[];
  if (q.folderIds.length) {
    folderIds = [];
    for (const id of q.folderIds) {
      const f = await collectionFolder(ctx, id);
      if (!f || f.folder.kind !== 'mail') return storeAnswer(SearchStatus.NotFound);
      folderIds.push(f.folder.id);
    }
  } else {
    folderIds = (await ctx.store.listFolders(ctx.account.id)).filter((f) => f.kind === 'mail' && easFolderType(f) !== null).map((f) => f.id);
  }
  const hits: MailMessage[] = [];
  let scanned = 0;
  for (const fid of folderIds) {
    if (scanned >= MAX_SCANNED) break;
    const msgs = await ctx.store.listMessages(fid);
    scanned += msgs.length;
    for (const m of msgs) if (matches(m, q)) hits.push(m);
  }
  hits.sort((a, b) => b.internalDate - a.internalDate);
  const prefs = options ? parseBodyPreferences(options) : [];
  const email = emailOptions(ctx, { bodyPreferences: prefs.length ? prefs : [{ type: 1, truncationSize: 1024 }], mimeSupport: Number(options ? childText(options, 'MIMESupport', AS) ?? 0 : 0) });
  const results: WbxmlElement[] = [];
  for (const m of hits.slice(r.start, r.end + 1)) {
    const data = await messageData(ctx, m, email);
    if (!data) continue;
    results.push(el(NS, 'Result', [
      el(AS, 'Class', 'Email'), el(NS, 'LongId', serverIdOf(m.folderId, m.itemId)), el(AS, 'CollectionId', String(m.folderId)),
      el(NS, 'Properties', data),
    ]));
  }
  return storeAnswer(SearchStatus.Success, results, hits.length, r.start);
}

async function run(ctx: CommandContext, req: WbxmlElement): Promise<CommandResult> {
  const store = child(req, 'Store', NS);
  const name = store ? (childText(store, 'Name', NS) ?? '').trim() : '';
  const query = store ? child(store, 'Query', NS) : undefined;
  const options = store ? child(store, 'Options', NS) : undefined;
  let answer: WbxmlElement;
  if (!store || !query) answer = storeAnswer(SearchStatus.InvalidRequest);
  else if (/^gal$/i.test(name)) answer = await searchGal(ctx, query.text ?? '', options);
  else if (/^mailbox$/i.test(name)) answer = await searchMailbox(ctx, query, options);
  else answer = storeAnswer(SearchStatus.InvalidRequest);
  return wbxml(el(NS, 'Search', [el(NS, 'Status', '1'), el(NS, 'Response', [answer])]));
}

export const search: WbxmlCommand = {
  name: 'Search',
  needsProvisioning: true,
  root: { ns: NS, tag: 'Search' },
  malformedStatus: SearchStatus.InvalidRequest,
  errorStatus: () => SearchStatus.ServerError,
  body: 'wbxml',
  handle: run,
};
