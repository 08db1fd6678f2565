import type { QuotaUsage } from '../model/mail.js';
import type { Store } from '../store/store.js';
import type { Account, Domain } from '../model/types.js';
import { domainQuotaLimits } from '../model/domain-quota.js';

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

/**
 * accountWouldExceed for an account and its domain as the caller has just read them (SMTP at
 * RCPT): when neither has a limit nothing can be exceeded and no usage is read (the store's
 * transaction checks again in any case).
 */
export async function mailboxWouldExceed(store: Store, account: Account, domain: Domain, bytes: number, messages = 1): Promise<boolean> {
  const d = domainQuotaLimits(domain.settings);
  if (account.quotaBytes === null && account.quotaMessages === null && d.quotaBytes === null && d.quotaMessages === null) return false;
  return accountWouldExceed(store, account.id, bytes, messages);
}
