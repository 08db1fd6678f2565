/**
 * Mailing-list recipients of one SMTP transaction: each of a list's addresses among the envelope
 * recipients gets the message (src/mail/lists/receive.ts: a post fanned out or held, a command
 * answered, a bounce counted). Who may write to them was checked at RCPT. Returns how many list
 * addresses took the message.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { Outbound } from '../mail/outbound.js';
import { findListAddress } from '../mail/lists/addresses.js';
import { receiveListMail } from '../mail/lists/receive.js';
import type { OneClick } from '../mail/lists/one-click.js';

export interface ListEnvelope {
  mailFrom: string;
  rcptTo: string[];
  authenticatedAs: string | null;
}

export async function postToLists(
  store: Store,
  outbound: Outbound | null | undefined,
  message: Buffer,
  envelope: ListEnvelope,
  log: Logger,
  oneClick?: OneClick,
): Promise<number> {
  if (!outbound) return 0;
  const deps = { store, outbound, log, now: Date.now, ...(oneClick ? { oneClick } : {}) };
  let lists = 0;
  for (const rcpt of new Set(envelope.rcptTo.map((r) => r.toLowerCase()))) {
    const target = await findListAddress(store, rcpt);
    if (!target || target.endpoint === 'owner') continue;
    const outcome = await receiveListMail(deps, target, message, envelope);
    log.info({ list: target.address, endpoint: target.endpoint, outcome }, 'list.received');
    lists++;
  }
  return lists;
}
