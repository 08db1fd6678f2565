/**
 * Every SMTP reply Hearth chooses itself, with its RFC 3463 enhanced status code, in one place;
 * and the mapping from core errors (StoreError codes) to replies. smtp-server derives the
 * enhanced code from the basic code alone (554 is always 5.6.0), so a reply made here carries its
 * own, and precise-codes.ts makes the connection send exactly that.
 */
import { isStoreError } from '../../src/store/errors.js';

export class SmtpReply extends Error {
  constructor(readonly responseCode: number, readonly enhanced: string, text: string) {
    // The text starts with the enhanced code: precise-codes.ts tells smtp-server not to add its own.
    super(`${enhanced} ${text}`);
    this.name = 'SmtpReply';
  }
}

export const reply = {
  // RFC 5321 §4.2.3 and RFC 3463 §3
  unknownUser: () => new SmtpReply(550, '5.1.1', 'No such user here'),
  relayDenied: () => new SmtpReply(554, '5.7.1', 'Relay access denied'),
  authRequired: () => new SmtpReply(530, '5.7.0', 'Authentication required'),
  noRemoteForwarding: () => new SmtpReply(451, '4.3.0', 'Forwarding to another domain is not available; try again later'),
  aliasTooComplex: () => new SmtpReply(451, '4.3.0', 'Recipient expansion failed; try again later'),
  senderNotOwned: () => new SmtpReply(553, '5.7.1', 'Sender address not owned by the authenticated user'),
  fromNotOwned: () => new SmtpReply(553, '5.7.1', 'From header address not owned by the authenticated user'),
  tooManyRecipients: (max: number) => new SmtpReply(452, '4.5.3', `Too many recipients (at most ${max} per message)`),
  messageRate: (max: number) => new SmtpReply(450, '4.7.1', `Sending rate exceeded (at most ${max} messages per hour); try again later`),
  commandRate: () => new SmtpReply(421, '4.7.0', 'Too many commands from your address; try again later'),
  tooManyConnections: () => new SmtpReply(421, '4.7.0', 'Too many connections from your address; try again later'),
  // RFC 1870 §6.1: 552 for a message over the (recipient's) size limit
  tooBig: (limit: number) => new SmtpReply(552, '5.3.4', `Message size exceeds the limit of ${limit} bytes`),
  overQuota: () => new SmtpReply(452, '4.2.2', 'Mailbox full; try again later'),
  temporary: () => new SmtpReply(451, '4.3.0', 'Local error in processing; try again later'),
  badHeader: () => new SmtpReply(550, '5.6.0', 'Message header cannot be read'),
  // RFC 3463 §3.8: 5.7.1 delivery not authorized (the list's posting policy refuses this sender)
  listPostRefused: () => new SmtpReply(550, '5.7.1', 'You may not post to this list'),
};

/** A core error met during delivery, as the reply the client gets. Never shows internal messages. */
export function deliveryErrorReply(e: unknown): SmtpReply {
  if (e instanceof SmtpReply) return e;
  if (isStoreError(e, 'QuotaExceeded') || (e as { code?: unknown })?.code === 'QuotaExceeded') return reply.overQuota();
  return reply.temporary();
}
