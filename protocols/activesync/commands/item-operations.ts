/**
 * ItemOperations ([MS-ASCMD] 2.2.1.10): Fetch of an item (Mailbox store: by CollectionId and
 * ServerId, or by the LongId of a Search result) with BodyPreference, of an attachment by its
 * FileReference with an optional byte Range ([MS-ASCMD] 2.2.3.139.1), and EmptyFolderContents of a
 * mail folder. With MS-ASAcceptMultiPart (header, or AcceptMultiPart on the request line) the
 * answer is multipart ([MS-ASCMD] 2.2.2.10.1): part 0 the WBXML, in which each Data is replaced by
 * a Part number naming the raw bytes that follow; otherwise Data carries base64. Either way the
 * answer is written as a stream: attachments and MIME bodies go from the message blob through
 * the transfer decoder to the wire (../part-stream.ts), never whole in memory.
 *
 * Every lookup goes through the folder access check (collectionFolder) and the item's folder and
 * account, so that a made-up reference reads nothing (Status 6).
 */
import { Readable } from 'node:stream';
import { DELETED, type MailMessage } from '../../../src/model/mail.js';
import { partBySection } from '../../../src/mail/mime-parts.js';
import { encodeWbxml, encodeWbxmlStream } from '../wbxml/index.js';
import { child, childText, el, type WbxmlElement } from '../wbxml/types.js';
import { classForKind, isOfClass } from '../sync/classes.js';
import { collectionFolder, convertOptions, parseBodyPreferences } from '../sync/collection.js';
import { parseItemServerId } from '../sync/ids.js';
import { emailOptions, messageData } from '../sync/mail.js';
import { encodable } from '../sync/encodable.js';
import { BODY_MIME, chooseBodyPreference, type EmailBodyPreference, parseFileReference } from '../convert/email.js';
import { base64Pieces, blobSlice, decodedRange, decodedSize, withoutNul } from '../part-stream.js';
import { type CommandContext, type CommandResult, type WbxmlCommand } from './types.js';

const WBXML_CONTENT_TYPE = 'application/vnd.ms-sync.wbxml';

const NS = 'ItemOperations';
const AS = 'AirSync';
const BASE = 'AirSyncBase';

/** [MS-ASCMD] 2.2.3.177.8 Status (ItemOperations). */
export const ItemOpsStatus = {
  Success: 1, ProtocolError: 2, ServerError: 3, ObjectNotFound: 6, ByteRangeInvalid: 8, StoreUnknown: 9,
  ConversionFailure: 14, ActionNotSupported: 156,
} as const;

/** A raw payload of a multipart answer: its exact length, then its bytes when the body is written. */
interface PartSource { length: number; open(): AsyncIterable<Buffer> }
/** Raw payloads of a multipart answer, numbered from 1; null for the inline (base64) form. */
type Parts = PartSource[] | null;

const bufferPart = (b: Buffer): PartSource => ({ length: b.length, open: async function* () { yield b; } });

/** Data (inline: base64 text streamed into the WBXML) or Part (multipart: the raw bytes). */
function dataElement(length: number, open: () => AsyncIterable<Buffer>, parts: Parts): WbxmlElement {
  if (parts) { parts.push({ length, open }); return el(NS, 'Part', String(parts.length)); }
  return { ns: NS, tag: 'Data', children: [], stream: { kind: 'string', open: () => base64Pieces(open()) } };
}

function parseRange(s: string | undefined): { start: number; end: number } | null | 'bad' {
  if (s === undefined) return null;
  const m = /^\s*(\d{1,12})-(\d{1,12})\s*$/.exec(s);
  if (!m || Number(m[2]) < Number(m[1])) return 'bad';
  return { start: Number(m[1]), end: Number(m[2]) };
}

/**
 * An attachment by FileReference: the decoded size is counted first (Total, Range and a multipart
 * part's length come before the bytes), then the range is decoded again from the blob while the
 * answer is written. Nothing holds the attachment whole.
 */
async function fetchAttachment(ctx: CommandContext, ref: string, options: WbxmlElement | undefined, parts: Parts): Promise<WbxmlElement> {
  const answer = (status: number, props?: WbxmlElement[]) => el(NS, 'Fetch', [
    el(NS, 'Status', String(status)), el(BASE, 'FileReference', ref), ...(props ? [el(NS, 'Properties', props)] : []),
  ]);
  const r = parseFileReference(ref);
  const found = r ? await collectionFolder(ctx, String(r.folderId)) : null;
  const msg = r && found ? await ctx.store.getMessage(r.itemId) : null;
  const part = msg && msg.folderId === found!.folder.id ? partBySection(msg.parsed.mime, r!.part) : null;
  if (!msg || !part || part.children) return answer(ItemOpsStatus.ObjectNotFound);
  const range = parseRange(options ? childText(options, 'Range', NS) : undefined);
  if (range === 'bad') return answer(ItemOpsStatus.ByteRangeInvalid);
  const total = await decodedSize(ctx.store, msg, part);
  if (range && total > 0 && range.start >= total) return answer(ItemOpsStatus.ByteRangeInvalid);
  const start = range ? range.start : 0;
  const end = range ? Math.min(total - 1, range.end) : total - 1;
  const length = Math.max(0, end - start + 1);
  const props: WbxmlElement[] = [el(BASE, 'ContentType', `${part.type}/${part.subtype}`)];
  if (range) props.push(el(NS, 'Range', `${start}-${start + Math.max(0, length - 1)}`), el(NS, 'Total', String(total)));
  props.push(dataElement(length, () => decodedRange(ctx.store, msg, part, start, end), parts));
  return answer(ItemOpsStatus.Success, props);
}

/**
 * Body Type 4 of a Fetch: the message's own bytes streamed from its blob ([MS-ASAIRS] 2.2.2.9),
 * TruncationSize and AllOrNone applied by length; the rest of the Body as the converter made it.
 */
function mimeBody(ctx: CommandContext, msg: MailMessage, pref: EmailBodyPreference, converted: WbxmlElement, parts: Parts): WbxmlElement {
  const over = pref.truncationSize !== undefined && msg.size > pref.truncationSize;
  const length = over ? pref.truncationSize! : msg.size;
  const out = [el(BASE, 'Type', String(BODY_MIME)), el(BASE, 'EstimatedDataSize', String(msg.size))];
  if (over) out.push(el(BASE, 'Truncated', '1'));
  const open = async function* () { yield* (await blobSlice(ctx.store, msg, 0, length)) as AsyncIterable<Buffer>; };
  if (!(over && pref.allOrNone)) {
    if (parts) { parts.push({ length, open }); out.push(el(NS, 'Part', String(parts.length))); }
    else out.push({ ns: BASE, tag: 'Data', children: [], stream: { kind: 'string', open: () => withoutNul(open()) } });
  }
  const preview = child(converted, 'Preview', BASE);
  if (preview) out.push(preview);
  return el(BASE, 'Body', out);
}

async function fetchItem(ctx: CommandContext, fetch: WbxmlElement, options: WbxmlElement | undefined, parts: Parts): Promise<WbxmlElement> {
  const longId = childText(fetch, 'LongId', 'Search');
  const collectionId = childText(fetch, 'CollectionId', AS) ?? longId?.split(':')[0];
  const serverId = childText(fetch, 'ServerId', AS) ?? longId;
  const head = [
    ...(longId ? [el('Search', 'LongId', longId)] : [el(AS, 'CollectionId', collectionId ?? ''), el(AS, 'ServerId', serverId ?? '')]),
  ];
  const fail = (status: number) => el(NS, 'Fetch', [el(NS, 'Status', String(status)), ...head]);
  const found = await collectionFolder(ctx, collectionId);
  const cls = found ? classForKind(found.folder.kind) : null;
  const itemId = found ? parseItemServerId(serverId, found.folder.id) : null;
  const item = itemId === null ? null : await ctx.store.getItem(itemId);
  if (!found || !cls || !item || item.folderId !== found.folder.id || item.accountId !== found.folder.accountId || !isOfClass(cls, item)) return fail(ItemOpsStatus.ObjectNotFound);
  const prefs = options ? parseBodyPreferences(options) : [];
  const mimeSupport = Number(options ? childText(options, 'MIMESupport', AS) ?? 0 : 0);
  let data: WbxmlElement[] | null;
  if (cls.name === 'Email') {
    const msg = await ctx.store.getMessage(item.id);
    const email = emailOptions(ctx, { bodyPreferences: prefs.length ? prefs : [{ type: 1 }], mimeSupport });
    const pref = msg ? chooseBodyPreference(msg, email) : null;
    if (msg && pref?.type === BODY_MIME) {
      // The converter is asked for a plain body cut to nothing; the MIME Body replaces it, streamed.
      const plain = { ...email, mimeSupport: 0, bodyPreferences: [{ ...pref, type: 1, truncationSize: 0, allOrNone: true }] };
      data = await messageData(ctx, msg, plain);
      data = data && data.map((d) => (d.ns === BASE && d.tag === 'Body' ? mimeBody(ctx, msg, pref, d, parts) : d));
    } else {
      data = msg ? await messageData(ctx, msg, email) : null;
    }
  } else {
    const opts = { filterType: 0, conflict: 1 as const, windowSize: 1, deletesAsMoves: true, ...(prefs[0] ? { bodyPreference: prefs[0] } : {}) };
    data = encodable(cls.toEas(item.content!, convertOptions(ctx, opts)));
  }
  if (!data) return fail(ItemOpsStatus.ObjectNotFound);
  if (parts) {
    // Multipart: a text body's Data travels as a raw part.
    data = data.map((d) => {
      if (d.ns !== BASE || d.tag !== 'Body') return d;
      return { ...d, children: d.children.map((c) => (c.tag === 'Data' && c.ns === BASE && c.text !== undefined ? dataElementBase(c.text, parts) : c)) };
    });
  }
  return el(NS, 'Fetch', [el(NS, 'Status', '1'), ...head, el(AS, 'Class', cls.name), el(NS, 'Properties', data)]);
}

function dataElementBase(text: string, parts: PartSource[]): WbxmlElement {
  parts.push(bufferPart(Buffer.from(text, 'utf8')));
  return el(NS, 'Part', String(parts.length));
}

async function emptyFolder(ctx: CommandContext, op: WbxmlElement): Promise<WbxmlElement> {
  const cid = childText(op, 'CollectionId', AS) ?? '';
  const answer = (status: number) => el(NS, 'EmptyFolderContents', [el(NS, 'Status', String(status)), el(AS, 'CollectionId', cid)]);
  const found = await collectionFolder(ctx, cid);
  if (!found || found.access === 'read') return answer(ItemOpsStatus.ObjectNotFound);
  if (found.folder.kind !== 'mail') return answer(ItemOpsStatus.ActionNotSupported);
  // DeleteSubFolders is not offered: subfolders stay (their messages too).
  const states = await ctx.store.listMessageStates(found.folder.id);
  for (let i = 0; i < states.length; i += 500) {
    const uids = states.slice(i, i + 500).map((m) => m.uid);
    await ctx.store.storeFlags(found.folder.id, uids, 'add', [DELETED]);
    await ctx.store.expungeMessages(found.folder.id, uids);
  }
  return answer(ItemOpsStatus.Success);
}

/** [MS-ASCMD] 2.2.2.10.1 multipart body: count, (offset, length) pairs, then the parts, streamed. */
async function* multipart(first: Buffer, rest: PartSource[]): AsyncGenerator<Buffer> {
  const all = [bufferPart(first), ...rest];
  const head = Buffer.alloc(4 + 8 * all.length);
  head.writeInt32LE(all.length, 0);
  let offset = head.length;
  all.forEach((p, i) => { head.writeInt32LE(offset, 4 + 8 * i); head.writeInt32LE(p.length, 8 + 8 * i); offset += p.length; });
  yield head;
  for (const p of all) {
    let n = 0;
    for await (const piece of p.open()) { n += piece.length; yield piece; }
    // The table announced the length: a part that changed meanwhile cannot be answered right.
    if (n !== p.length) throw new Error(`multipart part is ${n} bytes, announced ${p.length}`);
  }
}

async function run(ctx: CommandContext, req: WbxmlElement): Promise<CommandResult> {
  const header = ctx.headers['ms-asacceptmultipart'];
  const wantsParts = ctx.query.acceptMultiPart || /^t/i.test(String(Array.isArray(header) ? header[0] : header ?? ''));
  const parts: Parts = wantsParts ? [] : null;
  const out: WbxmlElement[] = [];
  for (const op of req.children.slice(0, 100)) {
    if (op.ns !== NS) continue;
    if (op.tag === 'Fetch') {
      const store = childText(op, 'Store', NS) ?? '';
      const options = child(op, 'Options', NS);
      const ref = childText(op, 'FileReference', BASE);
      if (!/^mailbox$/i.test(store)) out.push(el(NS, 'Fetch', [el(NS, 'Status', String(ItemOpsStatus.StoreUnknown))]));
      else if (ref !== undefined) out.push(await fetchAttachment(ctx, ref, options, parts));
      else out.push(await fetchItem(ctx, op, options, parts));
    } else if (op.tag === 'EmptyFolderContents') {
      out.push(await emptyFolder(ctx, op));
    } else {
      // Move (of conversations) is not offered.
      out.push(el(NS, op.tag === 'Move' ? 'Move' : 'Fetch', [el(NS, 'Status', String(ItemOpsStatus.ActionNotSupported))]));
    }
  }
  const body = el(NS, 'ItemOperations', [el(NS, 'Status', String(out.length ? ItemOpsStatus.Success : ItemOpsStatus.ProtocolError)), ...(out.length ? [el(NS, 'Response', out)] : [])]);
  if (!parts) return { kind: 'raw', contentType: WBXML_CONTENT_TYPE, body: encodeWbxmlStream(body) };
  return { kind: 'raw', contentType: 'application/vnd.ms-sync.multipart', body: Readable.from(multipart(encodeWbxml(body), parts), { objectMode: false }) };
}

export const itemOperations: WbxmlCommand = {
  name: 'ItemOperations',
  needsProvisioning: true,
  root: { ns: NS, tag: 'ItemOperations' },
  malformedStatus: ItemOpsStatus.ProtocolError,
  errorStatus: () => ItemOpsStatus.ServerError,
  body: 'wbxml',
  handle: run,
};


