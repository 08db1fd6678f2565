/**
 * An Outbound (./outbound.ts) that delivers to local recipients only: what `hearth serve` uses
 * until the outbound queue (src/mail/queue/) is wired in its place. Local addresses are resolved
 * as at RCPT time (./recipients.ts: accounts, aliases, groups) and delivered in one transaction
 * (./deliver.ts). A message with any recipient this server cannot deliver itself (another domain,
 * an unknown local address) is refused as a whole, before anything is delivered, so that the
 * sender learns it was not sent rather than half of it silently vanishing.
 */
import type { Store } from '../store/store.js';
import type { Outbound, OutboundMessage } from './outbound.js';
import { resolveRecipient } from './recipients.js';
import { deliver } from './deliver.js';

export class OutboundRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboundRefused';
  }
}

export function localOutbound(store: Store): Outbound {
  return {
    async send(message: OutboundMessage): Promise<{ queueId: string | null }> {
      const mailboxes = new Set<string>();
      for (const rcpt of message.recipients) {
        const r = await resolveRecipient(store, rcpt);
        if (r.kind !== 'local' || r.remote.length) throw new OutboundRefused(`no route to ${rcpt}: remote delivery needs the outbound queue`);
        for (const m of r.mailboxes) mailboxes.add(m.email);
      }
      if (mailboxes.size === 0) throw new OutboundRefused('no recipients');
      const report = await deliver(store, [...mailboxes], message.bytes, {
        envelope: { mailFrom: message.mailFrom || null, ...(message.submittedBy ? { authenticatedUser: message.submittedBy } : {}) },
      });
      if (report.delivered.length === 0) throw new OutboundRefused('no recipient could take the message');
      return { queueId: null };
    },
  };
}
