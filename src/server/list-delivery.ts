/**
 * Mailing-list recipients of one SMTP transaction: each list among the envelope recipients gets
 * the post fanned out (src/mail/lists/distribute.ts). The posting policy was checked at RCPT.
 * Returns how many lists took the message.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { Outbound } from '../mail/outbound.js';
import { distributeListPost } from '../mail/lists/distribute.js';

export async function postToLists(
  store: Store,
  outbound: Outbound | null | undefined,
  message: Buffer,
  rcptTo: string[],
  log: Logger,
): Promise<number> {
  if (!outbound) return 0;
  let lists = 0;
  for (const rcpt of new Set(rcptTo.map((r) => r.toLowerCase()))) {
    const list = await store.getList(rcpt);
    if (!list) continue;
    const d = await distributeListPost(store, outbound, list, message);
    log.info({ list: list.address, outcome: d.outcome, ...(d.outcome === 'sent' ? { recipients: d.recipients } : {}) }, 'list.post');
    lists++;
  }
  return lists;
}
