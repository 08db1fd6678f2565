/**
 * Drafts over Sync, 16.0 and later ([MS-ASCMD] 2.2.3.7.2 Add and 2.2.3.24 Change in the Drafts
 * folder; [MS-ASEMAIL] 2.2.2.x To, Cc, Subject, Importance, Email2:Bcc; [MS-ASAIRS] 2.2.2.9 Body,
 * 2.2.2.2 / 2.2.2.16 Attachments Add and Delete). The phone's fields become a MIME message built
 * with nodemailer's composer, stored in the Drafts folder flagged \Draft and \Seen, so IMAP clients
 * see the same draft. Bcc stays in the draft (it is removed only when a message leaves).
 *
 * The message store keeps a message's bytes immutable, so a Change writes the edited draft as a
 * new message and expunges the old one: the Change is answered with Status 1, and the phone's next
 * Sync brings a Delete of the old ServerId and an Add of the new one.
 *
 * Email2:Send ([MS-ASEMAIL] 2.2.2.69, in an Add or Change, 16.0+) sends the draft once stored:
 * its bytes go through ../compose.ts `submit` (the same policy, rate, Outbound queue and Sent
 * copy as SendMail with SaveInSentItems) and the draft leaves the Drafts folder, so the next Sync
 * brings the phone a Delete of it. When the sending is refused the draft stays in Drafts and the
 * Add / Change answers an error status (sendStatus below).
 */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Readable } from 'node:stream';
import type { MailMessage, MimePart } from '../../../src/model/mail.js';
import { DELETED, DRAFT, SEEN } from '../../../src/model/mail.js';
import { parseMessage } from '../../../src/mail/parse.js';
import { attachments, partBySection } from '../../../src/mail/mime-parts.js';
import { child, childText, children, el, type WbxmlElement } from '../wbxml/types.js';
import { addressList, bodyContent, BODY_HTML, BODY_PLAIN, fileReference, parseFileReference } from '../convert/email.js';
import { blobSlice } from '../part-stream.js';
import { messageReader } from './message-reader.js';
import { SyncStatus } from '../statuses.js';
import { ComposeError, ComposeStatus, submit } from '../compose.js';
import type { OpsContext } from './client-ops.js';

const NS = 'AirSync';
const B = 'AirSyncBase';
const E = 'Email';
const E2 = 'Email2';

/** True when Sync Add / Change of email is a draft edit this collection takes. */
export function takesDrafts(o: OpsContext): boolean {
  return o.folder.role === 'drafts' && o.ctx.atLeast('16.0');
}

interface DraftAttachment { filename: string; contentType: string; cid?: string; contentDisposition: 'inline' | 'attachment'; raw?: Buffer | Readable; content?: Buffer; clientId?: string }

const IMPORTANCE: Record<string, string> = { '0': 'low', '1': 'normal', '2': 'high' };

/** The draft's fields: what the phone sent, else what the stored draft had. */
async function compose(o: OpsContext, data: WbxmlElement, old: MailMessage | null): Promise<{ bytes: Buffer; added: string[] }> {
  const env = old?.parsed.envelope;
  const field = (ns: string, tag: string, was: string) => childText(data, tag, ns) ?? was;
  const to = field(E, 'To', env ? addressList(env.to) : '');
  const cc = field(E, 'Cc', env ? addressList(env.cc) : '');
  const bcc = field(E2, 'Bcc', env ? addressList(env.bcc) : '');
  const subject = field(E, 'Subject', old?.parsed.subject ?? '');
  const importance = childText(data, 'Importance', E);
  const body = child(data, 'Body', B);
  let text: string | undefined;
  let html: string | undefined;
  if (body) {
    const type = Number(childText(body, 'Type', B) ?? BODY_PLAIN);
    const content = childText(body, 'Data', B) ?? '';
    if (type === BODY_HTML) html = content; else text = content;
  } else if (old) {
    const read = messageReader(o.ctx, old);
    text = (await bodyContent(old, read, BODY_PLAIN)).data;
  }
  const atts: DraftAttachment[] = [];
  const section = child(data, 'Attachments', B);
  const deleted = new Set(section ? children(section, 'Delete', B).map((d) => parseFileReference(childText(d, 'FileReference', B))?.part).filter(Boolean) : []);
  if (old) {
    for (const a of attachments(old.parsed.mime)) {
      if (deleted.has(a.part)) continue;
      const part = partBySection(old.parsed.mime, a.part) as MimePart;
      atts.push({ filename: a.filename, contentType: a.contentType, ...(a.contentId ? { cid: a.contentId.replace(/^<|>$/g, '') } : {}),
        contentDisposition: a.inline ? 'inline' : 'attachment', raw: await blobSlice(o.ctx.store, old, part.headerStart, part.bodyEnd) });
    }
  }
  const added: string[] = [];
  for (const a of section ? children(section, 'Add', B) : []) {
    const c = child(a, 'Content', B);
    const content = c?.opaque ? Buffer.from(c.opaque) : Buffer.from(c?.text ?? '', 'base64');
    const cid = childText(a, 'ContentId', B);
    atts.push({
      filename: childText(a, 'DisplayName', B) ?? 'attachment', contentType: childText(a, 'ContentType', B) ?? 'application/octet-stream',
      content, ...(cid ? { cid } : {}), contentDisposition: childText(a, 'IsInline', B) === '1' ? 'inline' : 'attachment',
    });
    added.push(childText(a, 'ClientId', B) ?? '');
  }
  const headers: Record<string, string> = {};
  const imp = importance !== undefined ? IMPORTANCE[importance] : undefined;
  if (imp) headers.Importance = imp;
  const composer = new MailComposer({
    from: o.ctx.account.email, ...(to ? { to } : {}), ...(cc ? { cc } : {}), ...(bcc ? { bcc } : {}), subject,
    ...(text !== undefined ? { text } : {}), ...(html !== undefined ? { html } : {}), headers,
    attachments: atts.map(({ clientId: _c, ...a }) => a),
  });
  const node = composer.compile();
  // A draft keeps its Bcc (RFC 5322 §3.6.3 is about the copy that is sent).
  (node as unknown as { keepBcc: boolean }).keepBcc = true;
  return { bytes: await node.build(), added };
}

/** The Attachments of an Add or Change answer: the ClientId of each added attachment with its FileReference. */
function addedRefs(msg: MailMessage, clientIds: string[]): WbxmlElement[] {
  if (clientIds.length === 0) return [];
  const list = attachments(msg.parsed.mime);
  // The added ones are the last ones the composer wrote, in the order given.
  const tail = list.slice(list.length - clientIds.length);
  return [el(NS, 'ApplicationData', [el(B, 'Attachments', tail.map((a, i) => el(B, 'Attachment', [
    el(B, 'ClientId', clientIds[i]), el(B, 'FileReference', fileReference(msg, a.part)),
  ])))])];
}

async function store(o: OpsContext, bytes: Buffer): Promise<MailMessage> {
  const parsed = await parseMessage(bytes);
  const [msg] = await o.ctx.store.appendMessages(o.folder.id, [{ bytes, parsed, flags: [DRAFT, SEEN], internalDate: o.ctx.now() }]);
  return msg;
}

/** True when the Add or Change carries Email2:Send (directly or, as some clients put it, in ApplicationData). */
export function wantsSend(cmd: WbxmlElement): boolean {
  const data = child(cmd, 'ApplicationData', NS);
  return child(cmd, 'Send', E2) !== undefined || (data !== undefined && child(data, 'Send', E2) !== undefined);
}

/** A refused sending of a draft, with the Sync status to answer; the draft stays in Drafts. */
export class DraftSendError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'DraftSendError';
  }
}

/**
 * Sync has no status of its own for a refused submission: what the phone must change (no
 * recipient, a sender it may not use, MIME that cannot be read) is 6, anything else 5 (retry).
 */
function sendStatus(e: ComposeError): number {
  const fixable: number[] = [ComposeStatus.MessageHasNoRecipient, ComposeStatus.AccessDenied, ComposeStatus.InvalidMIME, ComposeStatus.InvalidContent];
  return fixable.includes(e.status) ? SyncStatus.ConversionError : SyncStatus.ServerError;
}

/**
 * The draft without its Date field: a draft's Date is when it was saved, the message's must be
 * when it is sent (RFC 5322 §3.6.1 origination date), which submit() adds when it is missing.
 */
function withoutDate(raw: Buffer): Buffer {
  const crlf = raw.indexOf('\r\n\r\n');
  const end = crlf >= 0 ? crlf + 2 : raw.indexOf('\n\n') + 1;
  if (end <= 0) return raw;
  const head = raw.subarray(0, end).toString('latin1');
  const kept = head.replace(/^date:[^\n]*\n(?:[ \t][^\n]*\n)*/gim, '');
  return kept === head ? raw : Buffer.concat([Buffer.from(kept, 'latin1'), raw.subarray(end)]);
}

/** Sends a stored draft (see the module comment) and takes it out of Drafts. */
export async function sendDraft(o: OpsContext, msg: MailMessage, bytes?: Buffer): Promise<void> {
  const mime = bytes ?? await o.ctx.store.readMessageBytes(msg.itemId);
  if (!mime) throw new DraftSendError(SyncStatus.ObjectNotFound, 'draft gone');
  try {
    await submit(o.ctx, { kind: 'send', mime: withoutDate(mime), saveInSent: true, replaceMime: false }, o.ctx.sendRate);
  } catch (e) {
    if (!(e instanceof ComposeError)) throw e;
    o.ctx.log.info({ status: e.status, err: e.message }, 'eas.drafts.send-refused');
    throw new DraftSendError(sendStatus(e), e.message);
  }
  await o.ctx.store.storeFlags(o.folder.id, [msg.uid], 'add', [DELETED]);
  await o.ctx.store.expungeMessages(o.folder.id, [msg.uid]);
}

/** Sync Add of a draft: stored, answered with its ServerId (and its attachments' FileReferences); sent with Email2:Send. */
export async function addDraft(o: OpsContext, clientId: string, data: WbxmlElement, send = false): Promise<{ element: WbxmlElement; itemId: number | null; modseq: number }> {
  const { bytes, added } = await compose(o, data, null);
  const msg = await store(o, bytes);
  if (send) await sendDraft(o, msg, bytes);
  return {
    element: el(NS, 'Add', [el(NS, 'ClientId', clientId), el(NS, 'ServerId', `${o.folder.id}:${msg.itemId}`), el(NS, 'Status', String(SyncStatus.Success)), ...addedRefs(msg, added)]),
    itemId: msg.itemId, modseq: msg.modseq,
  };
}

/** Sync Change of a draft: the edited draft replaces the stored one (see the module comment). */
export async function changeDraft(o: OpsContext, serverId: string, old: MailMessage, data: WbxmlElement, send = false): Promise<WbxmlElement | null> {
  const { bytes, added } = await compose(o, data, old);
  const msg = await store(o, bytes);
  await o.ctx.store.storeFlags(o.folder.id, [old.uid], 'add', [DELETED]);
  await o.ctx.store.expungeMessages(o.folder.id, [old.uid]);
  if (send) {
    await sendDraft(o, msg, bytes);
    return null;
  }
  const refs = addedRefs(msg, added);
  return refs.length ? el(NS, 'Change', [el(NS, 'ServerId', serverId), el(NS, 'Status', String(SyncStatus.Success)), ...refs]) : null;
}
