/**
 * A stored message as ActiveSync Email ApplicationData ([MS-ASEMAIL] 2.2.2, [MS-ASAIRS] Body and
 * Attachments), read from the cached MIME tree and the part offsets (src/mail): nothing re-parses
 * the message, and only the header block and the chosen body part are read from the blob.
 */
import libmime from 'libmime';
import type { MailAddress, MailMessage, MimePart } from '../../../src/model/mail.js';
import { attachments } from '../../../src/mail/mime-parts.js';
import { smimeKind, textBody } from '../../../src/mail/text-body.js';
import { decodedText } from '../../../src/mail/part-content.js';
import { el, type WbxmlElement } from '../wbxml/types.js';
import { htmlToText, truncateUtf8 } from './body.js';
import { categoriesOf, flagElement, lastVerbOf, readOf } from './email-flags.js';
import { meetingOf } from './meeting-request.js';

export const BODY_PLAIN = 1;
export const BODY_HTML = 2;
export const BODY_MIME = 4;

export interface EmailBodyPreference {
  type: number;
  truncationSize?: number;
  allOrNone?: boolean;
  /** [MS-ASAIRS] 2.2.2.38 Preview: characters of plain-text preview wanted (max 255). */
  preview?: number;
}

export interface EmailConvertOptions {
  protocolVersion: string;
  bodyPreferences: EmailBodyPreference[];
  /** [MS-ASCMD] 2.2.3.100.3 MIMESupport: 0 never MIME, 1 for S/MIME messages, 2 always. */
  mimeSupport: number;
  userEmail: string;
}

/** Reads [start, end) of the message (the store's readMessageBytes). */
export type ReadBytes = (range: { start: number; end: number }) => Promise<Buffer>;

const v14 = (v: string) => parseFloat(v) >= 14;
const cap = (s: string, n = 32 * 1024) => (s.length > n ? s.slice(0, n) : s);

function decodeName(name: string | null): string | null {
  if (!name) return null;
  try { return libmime.decodeWords(name); } catch { return name; }
}

/** RFC 5322 mailbox list as the Email:To / Cc / From strings ("Name" <a@b>, ...). */
export function addressList(list: MailAddress[]): string {
  return list.filter((a) => a.address).map((a) => {
    const name = decodeName(a.name);
    return name ? `"${name.replace(/["\\]/g, '')}" <${a.address}>` : `<${a.address}>`;
  }).join(', ');
}

/** [MS-ASEMAIL] 2.2.2.29 DisplayTo: display names (or addresses) separated by semicolons. */
function displayTo(list: MailAddress[]): string {
  return list.filter((a) => a.address).map((a) => decodeName(a.name) || a.address!).join('; ');
}

/** Unfolded header fields of the top-level header block, names lower-case (first value wins). */
function headerFields(block: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of block.toString('latin1').split(/\r?\n(?![ \t])/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    if (!out.has(name)) out.set(name, line.slice(i + 1).replace(/\r?\n[ \t]+/g, ' ').trim());
  }
  return out;
}

/** [MS-ASEMAIL] 2.2.2.39 Importance from Importance / X-Priority (RFC 2156, de-facto): 0 low, 1 normal, 2 high. */
function importance(h: Map<string, string>): string {
  const imp = (h.get('importance') ?? '').toLowerCase();
  if (imp.startsWith('high')) return '2';
  if (imp.startsWith('low')) return '0';
  const prio = /^\s*(\d)/.exec(h.get('x-priority') ?? '');
  if (prio) return Number(prio[1]) <= 2 ? '2' : Number(prio[1]) >= 4 ? '0' : '1';
  return '1';
}

/** Windows code page numbers ([MS-ASEMAIL] 2.2.2.41 InternetCPID) of common charsets. */
const CODE_PAGES: Record<string, number> = {
  'utf-8': 65001, 'us-ascii': 20127, 'iso-8859-1': 28591, 'iso-8859-2': 28592, 'iso-8859-5': 28595, 'iso-8859-7': 28597,
  'iso-8859-15': 28605, 'windows-1250': 1250, 'windows-1251': 1251, 'windows-1252': 1252, 'koi8-r': 20866,
  'iso-2022-jp': 50220, 'shift_jis': 932, 'euc-jp': 51932, 'gb2312': 936, 'gbk': 936, 'big5': 950, 'euc-kr': 949,
};

function codePage(part: MimePart | null): string {
  const cs = (part?.params.charset ?? 'utf-8').toLowerCase();
  return String(CODE_PAGES[cs] ?? 65001);
}

/** [MS-ASEMAIL] 2.2.2.20 ConversationIndex: 5 bytes of the message's time, 5 more per reply level. */
function conversationIndex(date: number, depth: number): Uint8Array {
  // FILETIME (100 ns since 1601), its bytes 1-5 from the top as Exchange's header block does.
  const ft = (BigInt(Math.max(0, Math.floor(date))) + 11644473600000n) * 10000n;
  const head = Buffer.alloc(8);
  head.writeBigUInt64BE(ft);
  const out = Buffer.alloc(5 + 5 * Math.min(depth, 50));
  head.copy(out, 0, 1, 6);
  return out;
}

const hexBytes = (hex: string): Uint8Array => Buffer.from(/^[0-9a-f]{32}$/i.test(hex) ? hex : hex.padEnd(32, '0').slice(0, 32), 'hex');

/** The message as a plain-text, HTML or MIME body: what Type asks for, from what the message has. */
export async function bodyContent(msg: MailMessage, read: ReadBytes, type: number): Promise<{ type: number; data: string }> {
  const root = msg.parsed.mime;
  if (type === BODY_MIME) return { type, data: mimeString(await read({ start: 0, end: msg.size })) };
  const { plain, html } = textBody(root);
  const text = async (p: MimePart) => {
    const bytes = await read({ start: p.bodyStart, end: p.bodyEnd });
    return decodedText(bytes, { ...p, bodyStart: 0, bodyEnd: bytes.length });
  };
  if (type === BODY_HTML) {
    if (html) return { type, data: await text(html) };
    if (plain) return { type, data: plainToHtml(await text(plain)) };
    return { type, data: '' };
  }
  if (plain) return { type: BODY_PLAIN, data: (await text(plain)).replace(/\r?\n/g, '\r\n') };
  if (html) return { type: BODY_PLAIN, data: htmlToText(await text(html)).replace(/\r?\n/g, '\r\n') };
  return { type: BODY_PLAIN, data: '' };
}

/** MIME as WBXML string data: UTF-8 when the bytes are, else Latin-1 (8-bit bytes kept as characters). */
export function mimeString(bytes: Buffer): string {
  const s = bytes.toString('utf8');
  return s.includes('\ufffd') && !bytes.includes(Buffer.from('\ufffd')) ? bytes.toString('latin1') : s;
}

function plainToHtml(text: string): string {
  const esc = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, '<br>\r\n');
  return `<html><body>${esc}</body></html>`;
}

/**
 * The BodyPreference served: MIME when MIMESupport asks for it (always, or for S/MIME messages)
 * and the client accepts Type 4; else the first plain or HTML preference; else what it asked.
 */
export function chooseBodyPreference(msg: MailMessage, o: Pick<EmailConvertOptions, 'bodyPreferences' | 'mimeSupport'>): EmailBodyPreference {
  const prefs = o.bodyPreferences;
  const mime = prefs.find((p) => p.type === BODY_MIME);
  const wantsMime = o.mimeSupport === 2 || (o.mimeSupport === 1 && smimeKind(msg.parsed.mime) !== null);
  if (mime && wantsMime) return mime;
  return prefs.find((p) => p.type === BODY_PLAIN || p.type === BODY_HTML) ?? mime ?? { type: BODY_PLAIN };
}

/** AirSyncBase:Body ([MS-ASAIRS] 2.2.2.9) with TruncationSize, AllOrNone and Preview. */
export async function bodyElement(msg: MailMessage, read: ReadBytes, pref: EmailBodyPreference): Promise<WbxmlElement> {
  const { type, data } = await bodyContent(msg, read, pref.type);
  const size = Buffer.byteLength(data);
  const limit = pref.truncationSize;
  const over = limit !== undefined && size > limit;
  const out = [el('AirSyncBase', 'Type', String(type)), el('AirSyncBase', 'EstimatedDataSize', String(size))];
  if (over) out.push(el('AirSyncBase', 'Truncated', '1'));
  // AllOrNone ([MS-ASAIRS] 2.2.2.3): a body over the limit is not sent at all.
  if (!(over && pref.allOrNone)) out.push(el('AirSyncBase', 'Data', over ? truncateUtf8(data, limit) : data));
  if (pref.preview) out.push(el('AirSyncBase', 'Preview', [...msg.parsed.preview].slice(0, Math.min(255, pref.preview)).join('')));
  return el('AirSyncBase', 'Body', out);
}

/** FileReference of an attachment: "<folderId>:<itemId>:<IMAP section>" (checked on use). */
export function fileReference(msg: Pick<MailMessage, 'folderId' | 'itemId'>, part: string): string {
  return `${msg.folderId}:${msg.itemId}:${part}`;
}

export function parseFileReference(ref: string | undefined): { folderId: number; itemId: number; part: string } | null {
  const m = ref ? /^([1-9][0-9]{0,15}):([1-9][0-9]{0,15}):([1-9][0-9]{0,4}(?:\.[1-9][0-9]{0,4}){0,31})$/.exec(ref) : null;
  return m ? { folderId: Number(m[1]), itemId: Number(m[2]), part: m[3] } : null;
}

function attachmentsElement(msg: MailMessage): WbxmlElement | null {
  const list = attachments(msg.parsed.mime);
  if (list.length === 0) return null;
  return el('AirSyncBase', 'Attachments', list.map((a) => {
    const out = [
      el('AirSyncBase', 'DisplayName', cap(a.filename, 1024)), el('AirSyncBase', 'FileReference', fileReference(msg, a.part)),
      // Method 1: a normal attachment; 5: an embedded message ([MS-ASAIRS] 2.2.2.31)
      el('AirSyncBase', 'Method', a.contentType === 'message/rfc822' ? '5' : '1'),
      el('AirSyncBase', 'EstimatedDataSize', String(a.size)),
    ];
    if (a.contentId) out.push(el('AirSyncBase', 'ContentId', cap(a.contentId.replace(/^<|>$/g, ''), 1024)));
    out.push(el('AirSyncBase', 'IsInline', a.inline ? '1' : '0'));
    return el('AirSyncBase', 'Attachment', out);
  }));
}

function messageClass(msg: MailMessage): string {
  const s = smimeKind(msg.parsed.mime);
  return s === 'signed' && msg.parsed.mime.subtype === 'signed' ? 'IPM.Note.SMIME.MultipartSigned' : s ? 'IPM.Note.SMIME' : 'IPM.Note';
}

/** The Email ApplicationData of a message, in the element order of [MS-ASEMAIL] 2.2.2. */
export async function messageToEas(msg: MailMessage, read: ReadBytes, o: EmailConvertOptions): Promise<WbxmlElement[]> {
  const env = msg.parsed.envelope;
  const headers = headerFields(await read({ start: 0, end: Math.min(msg.parsed.mime.bodyStart, 256 * 1024) }));
  const out: WbxmlElement[] = [];
  const put = (ns: string, tag: string, v: string | null | undefined) => { if (v) out.push(el(ns, tag, cap(v))); };
  put('Email', 'To', addressList(env.to));
  put('Email', 'Cc', addressList(env.cc));
  put('Email', 'From', addressList(env.from));
  out.push(el('Email', 'Subject', cap(msg.parsed.subject)));
  put('Email', 'ReplyTo', addressList(env.replyTo));
  out.push(el('Email', 'DateReceived', new Date(msg.internalDate).toISOString()));
  put('Email', 'DisplayTo', displayTo(env.to));
  put('Email', 'ThreadTopic', msg.parsed.subject.replace(/^\s*((re|fwd?|aw|wg|sv|vs)\s*(\[\d+\])?\s*:\s*)+/i, ''));
  out.push(el('Email', 'Importance', importance(headers)));
  out.push(el('Email', 'Read', readOf(msg.flags)));
  const pref = chooseBodyPreference(msg, o);
  out.push(await bodyElement(msg, read, pref));
  const atts = attachmentsElement(msg);
  if (atts) out.push(atts);
  // Meeting requests and cancellations (iMIP): ./meeting-request.ts.
  const meeting = await meetingOf(msg, read, o);
  out.push(el('Email', 'MessageClass', meeting?.messageClass ?? messageClass(msg)));
  if (meeting?.element) out.push(meeting.element);
  out.push(el('Email', 'InternetCPID', codePage(textBody(msg.parsed.mime).plain ?? textBody(msg.parsed.mime).html)));
  out.push(flagElement(msg.flags));
  out.push(el('Email', 'ContentClass', 'urn:content-classes:message'));
  out.push(el('AirSyncBase', 'NativeBodyType', textBody(msg.parsed.mime).html ? '2' : '1'));
  if (v14(o.protocolVersion)) {
    out.push(el('Email2', 'ConversationId', hexBytes(msg.threadId)));
    out.push(el('Email2', 'ConversationIndex', conversationIndex(msg.parsed.date ?? msg.internalDate, msg.parsed.references.length)));
    const cats = categoriesOf(msg.flags);
    out.push(cats.length ? el('Email', 'Categories', cats.map((c) => el('Email', 'Category', c))) : el('Email', 'Categories'));
    const verb = lastVerbOf(msg.flags);
    if (verb) out.push(el('Email2', 'LastVerbExecuted', verb));
    const me = o.userEmail.toLowerCase();
    const listed = [...env.to, ...env.cc].some((a) => a.address?.toLowerCase() === me);
    if (env.bcc.some((a) => a.address?.toLowerCase() === me) && !listed) out.push(el('Email2', 'ReceivedAsBcc', '1'));
    // Sender ([MS-ASEMAIL] 2.2.2.68): only when it differs from From (sent on behalf of).
    const sender = addressList(env.sender);
    if (sender && sender !== addressList(env.from)) out.push(el('Email2', 'Sender', cap(sender)));
  }
  // 16.0 drafts ([MS-ASEMAIL] 2.2.2.39, 2.2.2.11): IsDraft on every message, Bcc on drafts only.
  if (parseFloat(o.protocolVersion) >= 16) {
    const draft = msg.flags.includes('\\Draft');
    out.push(el('Email2', 'IsDraft', draft ? '1' : '0'));
    if (draft) put('Email2', 'Bcc', addressList(env.bcc));
  }
  return out;
}
