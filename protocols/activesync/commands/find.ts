/**
 * Find ([MS-ASCMD] 2.2.1.2, 16.1 only): a mailbox search (MailBoxSearchCriterion: Query with
 * airsync:Class Email, airsync:CollectionId, FreeText; Options with Range and DeepTraversal) or a
 * GAL search (GalSearchCriterion: Query text, Options Range). The matching is Search's
 * (./search.ts): FreeText words must all occur in the subject, senders, recipients or preview;
 * GAL names or addresses start with the query. Newest messages first.
 *
 * A CollectionId searches that folder, with DeepTraversal its subfolders too; without one every
 * mail folder the device can see. Results carry airsync:ServerId (the Sync ServerId, which
 * ItemOperations and SmartReply/SmartForward take) and the Properties of [MS-ASCMD] 2.2.3.139.1.
 * Range "a-b" (at most 100 per answer), Total the number of matches.
 *
 * Status ([MS-ASCMD] 2.2.3.177.2, checked against the table): 1 success; 2 an invalid request
 * (no or two criteria, a Class other than Email, an unreadable Range or empty query), in Find;
 * 3 a CollectionId the device does not know (FolderSync required), in Find; 4 StartWithRangeZero,
 * in Response: Find pages only from 0 (a client asks for a larger 0-based range instead), so a
 * Range that starts elsewhere is answered with Find Status 1 and a Response of Store and Status 4.
 */
import type { MailMessage } from '../../../src/model/mail.js';
import { child, childText, el, type WbxmlElement } from '../wbxml/types.js';
import { collectionFolder } from '../sync/collection.js';
import { serverIdOf } from '../sync/ids.js';
import { emailOptions, messageData } from '../sync/mail.js';
import { easFolderType } from '../folders.js';
import { addressList } from '../convert/email.js';
import { galHits, galProperties, matches, type MailQuery } from './search.js';
import { pictureOption } from '../gal-picture.js';
import { entryProperties, withPublicContacts } from '../gal.js';
import { type CommandContext, type CommandResult, type WbxmlCommand, httpStatus, wbxml } from './types.js';

const NS = 'Find';
const AS = 'AirSync';

export const FindStatus = { Success: 1, InvalidRequest: 2, FolderSyncRequired: 3, StartWithRangeZero: 4 } as const;

const MAX_RESULTS = 100;
const MAX_SCANNED = 20_000;

class FindError extends Error {
  constructor(readonly status: number) { super(`Find status ${status}`); }
}

/** A failure scoped to the Response element (its Store and Status), under a Find Status of 1. */
class FindResponseError extends Error {
  constructor(readonly store: string, readonly status: number) { super(`Find response status ${status}`); }
}

function range(options: WbxmlElement | undefined, store: string): { start: number; end: number } {
  const r = options ? childText(options, 'Range', NS) : undefined;
  if (r === undefined) return { start: 0, end: MAX_RESULTS - 1 };
  const m = /^\s*(\d{1,6})-(\d{1,6})\s*$/.exec(r);
  if (!m || Number(m[2]) < Number(m[1])) throw new FindError(FindStatus.InvalidRequest);
  if (Number(m[1]) !== 0) throw new FindResponseError(store, FindStatus.StartWithRangeZero);
  return { start: 0, end: Math.min(Number(m[2]), MAX_RESULTS - 1) };
}

function response(store: string, results: WbxmlElement[], total: number, start: number): WbxmlElement {
  const out = [el('ItemOperations', 'Store', store), el(NS, 'Status', '1'), ...results];
  if (results.length) out.push(el(NS, 'Range', `${start}-${start + results.length - 1}`));
  out.push(el(NS, 'Total', String(total)));
  return el(NS, 'Response', out);
}

/** The folders to search: the CollectionId's (and below it with DeepTraversal), else every visible mail folder. */
async function folders(ctx: CommandContext, collectionId: string | undefined, deep: boolean): Promise<number[]> {
  const all = (await ctx.store.listFolders(ctx.account.id)).filter((f) => f.kind === 'mail' && easFolderType(f) !== null);
  if (collectionId === undefined) return all.map((f) => f.id);
  const found = await collectionFolder(ctx, collectionId.trim());
  if (!found || found.folder.kind !== 'mail') throw new FindError(FindStatus.FolderSyncRequired);
  const ids = [found.folder.id];
  if (deep) {
    for (let i = 0; i < ids.length; i++) ids.push(...all.filter((f) => f.parentId === ids[i]).map((f) => f.id));
  }
  return ids;
}

/** [MS-ASCMD] 2.2.3.139.1 Properties of a mail result, from the message's Sync data. */
async function properties(ctx: CommandContext, m: MailMessage, email: ReturnType<typeof emailOptions>): Promise<WbxmlElement[] | null> {
  const data = await messageData(ctx, m, email);
  if (!data) return null;
  const pick = (ns: string, tag: string) => data.filter((d) => d.ns === ns && d.tag === tag);
  const env = m.parsed.envelope;
  const out = [...pick('Email', 'Subject'), ...pick('Email', 'DateReceived'), ...pick('Email', 'DisplayTo')];
  const cc = addressList(env.cc);
  if (cc) out.push(el(NS, 'DisplayCc', cc));
  const bcc = addressList(env.bcc);
  if (bcc) out.push(el(NS, 'DisplayBcc', bcc));
  out.push(...pick('Email', 'Importance'), ...pick('Email', 'Read'), ...pick('Email2', 'IsDraft'));
  out.push(el(NS, 'Preview', m.parsed.preview.slice(0, 255)), el(NS, 'HasAttachments', m.parsed.hasAttachments ? '1' : '0'));
  out.push(...pick('Email', 'From'));
  return out;
}

async function findMail(ctx: CommandContext, crit: WbxmlElement): Promise<WbxmlElement> {
  const query = child(crit, 'Query', NS);
  const options = child(crit, 'Options', NS);
  if (!query) throw new FindError(FindStatus.InvalidRequest);
  const cls = childText(query, 'Class', AS);
  if (cls !== undefined && cls.trim() !== 'Email') throw new FindError(FindStatus.InvalidRequest);
  const free = childText(query, 'FreeText', NS) ?? '';
  const q: MailQuery = { folderIds: [], words: free.toLowerCase().split(/\s+/).filter(Boolean) };
  if (q.words.length === 0) throw new FindError(FindStatus.InvalidRequest);
  const r = range(options, 'Mailbox');
  const ids = await folders(ctx, childText(query, 'CollectionId', AS), !!options && child(options, 'DeepTraversal', NS) !== undefined);
  const hits: MailMessage[] = [];
  let scanned = 0;
  for (const fid of ids) {
    if (scanned >= MAX_SCANNED) break;
    const msgs = await ctx.store.listMessages(fid);
    scanned += msgs.length;
    for (const m of msgs) if (matches(m, q)) hits.push(m);
  }
  hits.sort((a, b) => b.internalDate - a.internalDate);
  const email = emailOptions(ctx, { bodyPreferences: [{ type: 1, truncationSize: 0 }], mimeSupport: 0 });
  const results: WbxmlElement[] = [];
  for (const m of hits.slice(r.start, r.end + 1)) {
    const props = await properties(ctx, m, email);
    if (!props) continue;
    results.push(el(NS, 'Result', [el(AS, 'Class', 'Email'), el(AS, 'ServerId', serverIdOf(m.folderId, m.itemId)),
      el(AS, 'CollectionId', String(m.folderId)), el(NS, 'Properties', props)]));
  }
  return response('Mailbox', results, hits.length, r.start);
}

async function findGal(ctx: CommandContext, crit: WbxmlElement): Promise<WbxmlElement> {
  const q = (childText(crit, 'Query', NS) ?? '').trim().toLowerCase();
  if (!q) throw new FindError(FindStatus.InvalidRequest);
  const r = range(child(crit, 'Options', NS), 'GAL');
  // The domain's accounts and its public contacts the user may read (../gal.ts).
  const hits = await withPublicContacts(ctx, await galHits(ctx, q), q);
  // Picture (MaxSize, MaxPictures; [MS-ASCMD] 2.2.3.135.1): each entry's photo.
  const pictures = pictureOption(child(crit, 'Options', NS), NS);
  const results: WbxmlElement[] = [];
  for (const e of hits.slice(r.start, r.end + 1)) results.push(el(NS, 'Result', [el(NS, 'Properties', await entryProperties(ctx, e, galProperties, pictures))]));
  return response('GAL', results, hits.length, r.start);
}

async function run(ctx: CommandContext, req: WbxmlElement): Promise<CommandResult> {
  // Find is a 16.1 command: earlier versions do not have it (as before, HTTP 501).
  if (!ctx.atLeast('16.1')) return httpStatus(501);
  try {
    const exec = child(req, 'ExecuteSearch', NS);
    if (!childText(req, 'SearchId', NS) || !exec) throw new FindError(FindStatus.InvalidRequest);
    const mail = child(exec, 'MailBoxSearchCriterion', NS);
    const gal = child(exec, 'GalSearchCriterion', NS);
    if (!!mail === !!gal) throw new FindError(FindStatus.InvalidRequest);
    const answer = mail ? await findMail(ctx, mail) : await findGal(ctx, gal!);
    return wbxml(el(NS, 'Find', [el(NS, 'Status', '1'), answer]));
  } catch (e) {
    if (e instanceof FindResponseError) {
      return wbxml(el(NS, 'Find', [el(NS, 'Status', '1'),
        el(NS, 'Response', [el('ItemOperations', 'Store', e.store), el(NS, 'Status', String(e.status))])]));
    }
    if (!(e instanceof FindError)) throw e;
    return wbxml(el(NS, 'Find', [el(NS, 'Status', String(e.status))]));
  }
}

export const find: WbxmlCommand = {
  name: 'Find',
  needsProvisioning: true,
  root: { ns: NS, tag: 'Find' },
  malformedStatus: FindStatus.InvalidRequest,
  errorStatus: () => FindStatus.InvalidRequest,
  body: 'wbxml',
  handle: run,
};
