/**
 * What an authenticated user may send through submission (RFC 6409 §6.1: the server may check
 * and refuse the sender): the envelope sender and every From address must be the user's own
 * address or an alias that delivers to the user; per-user limits on messages per hour and
 * recipients per message. Rates are counted in memory per node (a sliding hour).
 */
import type { Store } from '../store/store.js';
import type { Account } from '../model/types.js';
import { resolveRecipient } from './recipients.js';

export interface SubmissionLimits {
  messagesPerHour: number;
  recipientsPerMessage: number;
}

/** True when the user may use `address` as a sender: their own address, or an alias that reaches them. */
export async function mayUseSender(store: Store, user: Account, address: string): Promise<boolean> {
  const addr = address.trim().toLowerCase();
  if (addr === user.email) return true;
  // Only a real alias counts, never the catch-all: `@domain -> user` must not let the user send as anyone.
  if (!(await store.getAlias(addr))) return false;
  const r = await resolveRecipient(store, addr);
  return r.kind === 'local' && r.mailboxes.some((m) => m.id === user.id);
}

/** Sliding-hour count of messages per user. */
export class SendRate {
  private readonly sent = new Map<number, number[]>();

  constructor(private readonly perHour: number, private readonly now: () => number = Date.now) {}

  /** Whether one more message fits in the user's last hour (does not count it). */
  allows(accountId: number): boolean {
    return this.recent(accountId).length < this.perHour;
  }

  /** Counts a message that was accepted. */
  record(accountId: number): void {
    const list = this.recent(accountId);
    list.push(this.now());
    this.sent.set(accountId, list);
  }

  private recent(accountId: number): number[] {
    const since = this.now() - 3_600_000;
    const list = (this.sent.get(accountId) ?? []).filter((t) => t > since);
    if (list.length === 0) this.sent.delete(accountId);
    else this.sent.set(accountId, list);
    return list;
  }
}
