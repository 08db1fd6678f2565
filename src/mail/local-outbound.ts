/**
 * The Outbound (src/mail/outbound.ts) while no outbound queue is wired: local recipients get
 * their copy through deliver() at once; remote ones cannot be reached, which is logged. The
 * composition root replaces it with the queue (src/mail/queue/) where that exists.
 */
import type { Store } from '../store/store.js';
import type { Outbound, OutboundMessage } from './outbound.js';
import type { PolicyLog } from './policies.js';
import { deliver } from './deliver.js';
import { resolveRecipient } from './recipients.js';

export function localOnlyOutbound(store: Store, log: PolicyLog): Outbound {
  return {
    async send(message: OutboundMessage): Promise<{ queueId: string | null }> {
      const local: string[] = [];
      let remote = 0;
      for (const r of message.recipients) {
        const res = await resolveRecipient(store, r);
        if (res.kind === 'local') {
          local.push(...res.mailboxes.map((m) => m.email));
          remote += res.remote.length;
        } else if (res.kind === 'remote') remote++;
      }
      if (remote) log.warn({ remote, by: message.submittedBy }, 'outbound.no-queue');
      if (local.length === 0) throw new Error('no outbound queue: remote recipients cannot be reached');
      await deliver(store, local, message.bytes, { envelope: { mailFrom: message.mailFrom || null } });
      return { queueId: null };
    },
  };
}
