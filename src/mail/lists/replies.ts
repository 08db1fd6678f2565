/**
 * The automatic mail a list writes (confirmations, help, moderation notices, refusals): From the
 * list's -request or -owner address, `Auto-Submitted: auto-replied` (RFC 3834 §5) so that no
 * responder answers it, and sent through the Outbound with LIST-bounces@ as envelope sender (its
 * bounces reach the bounce handler, never a person, and never the null sender). Nothing is ever
 * written to the null sender, to a list's own addresses, or in answer to automatic or list mail
 * (RFC 3834 §2), so two robots cannot keep each other busy.
 */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Store } from '../../store/store.js';
import type { Outbound } from '../outbound.js';
import type { MailingList } from '../../store/list-store.js';
import { splitHeader, fieldValue, headerValue } from '../header-block.js';
import { commandAddress, findListAddress } from './addresses.js';

export interface ListReply {
  to: string;
  from: 'request' | 'owner';
  subject: string;
  text: string;
  replyTo?: string;
  /** The message answered (In-Reply-To, References: RFC 3834 §3.1.4). */
  inReplyTo?: Uint8Array;
  /** Attached as message/rfc822 (a held post for its moderators). */
  attach?: Uint8Array;
}

/** True for mail no robot should answer: Auto-Submitted other than no, Precedence bulk/list/junk, List-Id. */
export function isAutomatic(message: Uint8Array): boolean {
  for (const f of splitHeader(message).fields) {
    const v = fieldValue(f).toLowerCase();
    if (f.name === 'auto-submitted' && !/^no\b/.test(v)) return true;
    if (f.name === 'precedence' && /^(bulk|list|junk)\b/.test(v)) return true;
    if (f.name === 'list-id') return true;
  }
  return false;
}

export async function buildReply(list: MailingList, r: ListReply): Promise<Buffer> {
  const messageId = r.inReplyTo ? headerValue(r.inReplyTo, 'Message-ID') : null;
  const references = r.inReplyTo ? headerValue(r.inReplyTo, 'References') : null;
  return new MailComposer({
    from: { name: list.name, address: commandAddress(list, r.from) },
    to: r.to,
    subject: r.subject,
    text: r.text,
    ...(r.replyTo ? { replyTo: r.replyTo } : {}),
    ...(messageId ? { inReplyTo: messageId, references: [references ?? '', messageId].join(' ').trim() } : {}),
    headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
    ...(r.attach
      ? { attachments: [{ filename: 'post.eml', contentType: 'message/rfc822', content: Buffer.from(r.attach.buffer, r.attach.byteOffset, r.attach.byteLength) }] }
      : {}),
  })
    .compile()
    .build();
}

/** Sends one automatic message; false (and nothing sent) when the rules above forbid it. */
export async function sendReply(store: Pick<Store, 'getList'>, outbound: Outbound, list: MailingList, r: ListReply): Promise<boolean> {
  if (!r.to || (r.inReplyTo && isAutomatic(r.inReplyTo))) return false;
  if (await findListAddress(store, r.to)) return false;
  const bytes = await buildReply(list, r);
  await outbound.send({ mailFrom: commandAddress(list, 'bounces'), recipients: [r.to], bytes });
  return true;
}
