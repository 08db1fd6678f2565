import type { QuotaUsage } from '../model/mail.js';
import type { Store } from '../store/store.js';

/**
 * Whether a message of `bytes` would take the account or its domain over a quota: the early
 * answer SMTP gives at RCPT TO (452 4.2.2, RFC 3463) or IMAP APPEND gives before a literal is
 * read (NO [OVERQUOTA], RFC 9208 §4). The store checks again atomically when it writes.
 */
export function wouldExceed(usage: QuotaUsage, bytes: number, messages = 1): boolean {
  const over = (used: number, add: number, limit: number | null) => limit !== null && used + add > limit;
  return over(usage.bytes, bytes, usage.quotaBytes) || over(usage.messages, messages, usage.quotaMessages)
    || over(usage.domain.bytes, bytes, usage.domain.quotaBytes) || over(usage.domain.messages, messages, usage.domain.quotaMessages);
}

/** wouldExceed for an account id, reading its usage. */
export async function accountWouldExceed(store: Store, accountId: number, bytes: number, messages = 1): Promise<boolean> {
  return wouldExceed(await store.quotaUsage(accountId), bytes, messages);
}
