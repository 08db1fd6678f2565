/**
 * A stand-in for the outbound queue (src/mail/outbound.ts) until it is wired here: delivers the
 * local recipients of a message through src/mail/deliver.ts (aliases and groups resolved as at
 * RCPT) and logs the remote ones as not sent. It throws only when no recipient could be taken,
 * as the interface says. Mailing-list posts go through it, so a list of local members works
 * now, and remote members start to get posts the day the real queue replaces this.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { Outbound, OutboundMessage } from '../mail/outbound.js';
import { resolveRecipient } from '../mail/recipients.js';
import { deliver } from '../mail/deliver.js';

export function localOutbound(store: Store, log: Logger): Outbound {
  return {
    async send(m: OutboundMessage): Promise<{ queueId: string | null }> {
      const local = new Set<string>();
      const notSent: string[] = [];
      for (const rcpt of m.recipients) {
        const r = await resolveRecipient(store, rcpt);
        if (r.kind === 'local') {
          for (const a of r.mailboxes) local.add(a.email);
          notSent.push(...r.remote);
        } else notSent.push(rcpt); // remote, unknown, nested list or too complex
      }
      if (notSent.length) log.warn({ notSent: notSent.length, from: m.mailFrom }, 'outbound.not-sent.no-queue');
      if (local.size === 0) throw new Error('no local recipient, and no outbound queue for the others');
      const report = await deliver(store, [...local], m.bytes, { envelope: { mailFrom: m.mailFrom || null } });
      if (report.delivered.length === 0) throw new Error('no recipient could take the message');
      return { queueId: null };
    },
  };
}
