/**
 * Sends iMIP messages through the one outbound path (src/mail/outbound.ts): the composition root
 * gives this to CalDAV scheduling as its iMIP seam, so invitations, replies and cancellations to
 * attendees outside Hearth leave like any other mail (queued, retried, bounced).
 */
import type { Outbound } from '../outbound.js';
import { composeImip, type ImipMessage } from './compose.js';

export interface ImipSender {
  send(msg: ImipMessage): Promise<void>;
}

export function imipOverOutbound(outbound: Outbound, hostname: string): ImipSender {
  return {
    async send(msg) {
      const bytes = await composeImip(msg, hostname);
      // The sender is an authenticated local user (the DAV request's owner); bounces go back to it.
      await outbound.send({ mailFrom: msg.from, recipients: msg.to, bytes, submittedBy: msg.from });
    },
  };
}
