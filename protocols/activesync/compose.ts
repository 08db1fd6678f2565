/**
 * Sending mail from a phone: SendMail, SmartReply and SmartForward ([MS-ASCMD] 2.2.1.17-19).
 * The phone's MIME is checked (parsed within MAIL_LIMITS), its senders must be the user's own
 * address or an alias (src/mail/submission-policy.ts), the per-user hourly rate applies, Bcc is
 * taken off the copy that leaves (RFC 5322 §3.6.3) and kept in the Sent copy, and the message goes
 * through Outbound (src/mail/outbound.ts). With SaveInSentItems it is appended to the user's Sent
 * folder, \Seen. SmartReply / SmartForward without ReplaceMime add the original: its text
 * quoted below the phone's, and on a forward its attachments.
 */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { MailMessage, MimePart, ParsedMessage } from '../../src/model/mail.js';
import { ANSWERED, FORWARDED, SEEN } from '../../src/model/mail.js';
import { MailParseError, parseMessage } from '../../src/mail/parse.js';
import { mayUseSender } from '../../src/mail/submission-policy.js';
import { attachments, partBySection } from '../../src/mail/mime-parts.js';
import { isStoreError } from '../../src/store/errors.js';
import type { CommandContext } from './commands/types.js';
import { bodyContent, BODY_HTML, BODY_PLAIN } from './convert/email.js';
import { messageReader } from './sync/message-reader.js';
import { blobSlice } from './part-stream.js';

/** [MS-ASCMD] 2.2.3.177.16 Status (SendMail, SmartForward, SmartReply). */
export const ComposeStatus = {
  InvalidContent: 101, InvalidWBXML: 102, InvalidMIME: 107, ServerError: 110, ServerErrorRetryLater: 111, AccessDenied: 130,
  MailboxQuotaExceeded: 113, SendQuotaExceeded: 115, MessageRecipientUnresolved: 116, MessagePreviouslySent: 118,
  MessageHasNoRecipient: 119, MailSubmissionFailed: 120, MessageReplyFailed: 121, ItemNotFound: 150,
  InvalidAccountId: 166, AccountSendDisabled: 167,
} as const;

export class ComposeError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'ComposeError';
  }
}

export interface ComposeRequest {
  kind: 'send' | 'reply' | 'forward';
  mime: Buffer;
  saveInSent: boolean;
  /** The original of a SmartReply / SmartForward. */
  source?: MailMessage;
  /** ReplaceMime: the phone's MIME is the whole message (nothing of the original is added). */
  replaceMime: boolean;
  clientId?: string;
}

/** Splits raw MIME into the header block (with its final line end) and the body. */
function splitHeader(raw: Buffer): { head: string; body: Buffer } {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const end = crlf >= 0 && (lf < 0 || crlf <= lf) ? crlf + 2 : lf >= 0 ? lf + 1 : raw.length;
  return { head: raw.subarray(0, end).toString('latin1'), body: raw.subarray(end) };
}

/** The message without its Bcc field (RFC 5322 §3.6.3: recipients must not see it). */
export function withoutBcc(raw: Buffer): Buffer {
  const { head, body } = splitHeader(raw);
  const kept = head.replace(/^bcc:[^\n]*\n(?:[ \t][^\n]*\n)*/gim, '');
  return kept === head ? raw : Buffer.concat([Buffer.from(kept, 'latin1'), body]);
}

/** Date, Message-ID and From when the phone left them out (RFC 5322 §3.6: Date and From are required). */
function completed(raw: Buffer, user: string, hostname: string, now: number): Buffer {
  const { head, body } = splitHeader(raw);
  const eol = head.includes('\r\n') ? '\r\n' : '\n';
  const add: string[] = [];
  if (!/^from:/im.test(head)) add.push(`From: ${user}`);
  if (!/^date:/im.test(head)) add.push(`Date: ${new Date(now).toUTCString().replace('GMT', '+0000')}`);
  if (!/^message-id:/im.test(head)) add.push(`Message-ID: <${randomUUID()}@${hostname}>`);
  if (add.length === 0) return raw;
  return Buffer.concat([Buffer.from(add.join(eol) + eol, 'latin1'), raw.subarray(0, Buffer.byteLength(head, 'latin1')), body]);
}

async function parse(raw: Buffer): Promise<ParsedMessage> {
  try {
    return await parseMessage(raw);
  } catch (e) {
    if (e instanceof MailParseError) throw new ComposeError(ComposeStatus.InvalidMIME, e.message);
    throw e;
  }
}

const quote = (text: string) => text.split(/\r?\n/).map((l) => `> ${l}`).join('\r\n');
const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A SmartReply / SmartForward without ReplaceMime: the phone's message (its headers and text)
 * with the original below it, and on a forward the original's attachments, built again with
 * nodemailer's composer.
 */
async function withOriginal(ctx: CommandContext, req: ComposeRequest, mine: ParsedMessage): Promise<Buffer> {
  const src = req.source!;
  const read = messageReader(ctx, src);
  const own = { ...mine, size: req.mime.length } as ParsedMessage;
  const fake = { ...src, parsed: own, size: req.mime.length, itemId: src.itemId } as MailMessage;
  const mineRead = async (r: { start: number; end: number }) => req.mime.subarray(r.start, r.end);
  const myText = (await bodyContent(fake, mineRead, BODY_PLAIN)).data;
  const myHtml = (await bodyContent(fake, mineRead, BODY_HTML)).data;
  const origText = (await bodyContent(src, read, BODY_PLAIN)).data;
  const origHtml = (await bodyContent(src, read, BODY_HTML)).data;
  const env = src.parsed.envelope;
  const intro = `On ${new Date(src.parsed.date ?? src.internalDate).toUTCString()}, ${src.parsed.from} wrote:`;
  const fwdIntro = ['-------- Forwarded Message --------', `Subject: ${src.parsed.subject}`, `Date: ${env.date ?? ''}`, `From: ${src.parsed.from}`].join('\r\n');
  const text = req.kind === 'reply' ? `${myText}\r\n\r\n${intro}\r\n${quote(origText)}\r\n` : `${myText}\r\n\r\n${fwdIntro}\r\n\r\n${origText}\r\n`;
  const html = req.kind === 'reply'
    ? `${myHtml}<br><div>${escapeHtml(intro)}</div><blockquote type="cite">${origHtml}</blockquote>`
    : `${myHtml}<br><div><pre>${escapeHtml(fwdIntro)}</pre></div>${origHtml}`;
  // Attachments go over as their original MIME parts, headers and encoded body as stored, via
  // nodemailer's `raw` (no decode and re-encode): the phone's from its request, the original's
  // (forward) streamed from the blob, so a large attachment is never decoded into memory.
  const atts: { filename: string; raw: Buffer | Readable; contentType: string; cid?: string; contentDisposition?: 'inline' | 'attachment' }[] = [];
  const collect = async (root: MimePart, raw: (p: MimePart) => Promise<Buffer | Readable>) => {
    for (const a of attachments(root)) {
      const part = partBySection(root, a.part);
      if (!part) continue;
      atts.push({ filename: a.filename, raw: await raw(part), contentType: a.contentType, ...(a.contentId ? { cid: a.contentId.replace(/^<|>$/g, '') } : {}), contentDisposition: a.inline ? 'inline' : 'attachment' });
    }
  };
  await collect(mine.mime, async (p) => req.mime.subarray(p.headerStart, p.bodyEnd));
  if (req.kind === 'forward') await collect(src.parsed.mime, (p) => blobSlice(ctx.store, src, p.headerStart, p.bodyEnd));
  const head = splitHeader(req.mime).head;
  const headers: Record<string, string> = {};
  const keep = ['from', 'to', 'cc', 'bcc', 'subject', 'date', 'message-id', 'reply-to', 'importance', 'x-priority'];
  for (const line of head.split(/\r?\n(?![ \t])/)) {
    const i = line.indexOf(':');
    if (i > 0 && keep.includes(line.slice(0, i).trim().toLowerCase())) headers[line.slice(0, i).trim()] = line.slice(i + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
  }
  if (req.kind === 'reply' && src.parsed.messageId) {
    headers['In-Reply-To'] = `<${src.parsed.messageId}>`;
    headers.References = [...src.parsed.references, src.parsed.messageId].slice(-20).map((id) => `<${id}>`).join(' ');
  }
  const node = new MailComposer({ text, html, attachments: atts, headers }).compile();
  // The Sent copy keeps Bcc; submit() takes it off the copy that leaves.
  (node as unknown as { keepBcc: boolean }).keepBcc = true;
  return node.build();
}

/** Sends (and saves) a message the phone composed. Throws ComposeError with the status to answer. */
export async function submit(ctx: CommandContext, req: ComposeRequest, rate: { allows(id: number): boolean; record(id: number): void }): Promise<void> {
  if (!ctx.outbound) throw new ComposeError(ComposeStatus.MailSubmissionFailed, 'this server has no outbound mail');
  if (req.mime.length === 0) throw new ComposeError(ComposeStatus.InvalidMIME, 'no MIME');
  let raw = completed(req.mime, ctx.account.email, ctx.settings.hostname, ctx.now());
  let parsed = await parse(raw);
  if ((req.kind === 'reply' || req.kind === 'forward') && req.source && !req.replaceMime) {
    raw = completed(await withOriginal(ctx, { ...req, mime: raw }, parsed), ctx.account.email, ctx.settings.hostname, ctx.now());
    parsed = await parse(raw);
  }
  const env = parsed.envelope;
  const senders = [...env.from, ...env.sender].map((a) => a.address).filter((a): a is string => !!a);
  for (const s of senders) {
    if (!(await mayUseSender(ctx.store, ctx.account, s))) throw new ComposeError(ComposeStatus.AccessDenied, 'sender is not the user');
  }
  const recipients = [...new Set([...env.to, ...env.cc, ...env.bcc].map((a) => a.address?.trim().toLowerCase()).filter((a): a is string => !!a && a.includes('@')))];
  if (recipients.length === 0) throw new ComposeError(ComposeStatus.MessageHasNoRecipient, 'no recipients');
  if (!rate.allows(ctx.account.id)) throw new ComposeError(ComposeStatus.SendQuotaExceeded, 'hourly message limit reached');
  const mailFrom = senders[0]?.toLowerCase() ?? ctx.account.email;
  try {
    await ctx.outbound.send({ mailFrom, recipients, bytes: withoutBcc(raw), submittedBy: ctx.account.email });
  } catch (e) {
    ctx.log.info({ err: (e as Error).message }, 'eas.compose.refused');
    throw new ComposeError(ComposeStatus.MailSubmissionFailed, (e as Error).message);
  }
  rate.record(ctx.account.id);
  ctx.log.info({ kind: req.kind, recipients: recipients.length, size: raw.length }, 'eas.compose.sent');
  if (req.source) {
    const flag = req.kind === 'reply' ? ANSWERED : FORWARDED;
    await ctx.store.storeFlags(req.source.folderId, [req.source.uid], 'add', [flag]).catch((e) => ctx.log.warn({ err: (e as Error).message }, 'eas.compose.flag-failed'));
  }
  if (req.saveInSent) {
    const sent = await ctx.store.findFolderByRole(ctx.account.id, 'sent');
    if (!sent) return;
    try {
      await ctx.store.appendMessages(sent.id, [{ bytes: raw, parsed, flags: [SEEN], internalDate: ctx.now() }]);
    } catch (e) {
      // Sent already: a full mailbox only loses the copy (logged), the phone is told it was sent.
      if (!isStoreError(e, 'QuotaExceeded')) throw e;
      ctx.log.warn('eas.compose.sent-copy-over-quota');
    }
  }
}
