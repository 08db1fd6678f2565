import { sql } from 'kysely';
import type { QuotaUsage } from '../model/mail.js';
import { notFound } from './errors.js';
import { domainQuotaLimits } from '../model/domain-quota.js';
import type { MailDb, MailTrx } from './mail-rows.js';

/** An account's usage and limits, and its domain's, read inside a write after the account lock. */
export interface QuotaState {
  accountId: number;
  domainId: number;
  bytes: number;
  messages: number;
  quotaBytes: number | null;
  quotaMessages: number | null;
}

export interface DomainQuotaState { bytes: number; messages: number; quotaBytes: number | null; quotaMessages: number | null }

const domainLimits = (settings: string) => domainQuotaLimits(JSON.parse(settings || '{}') as Record<string, unknown>);

/** What locking an account for a mail write returns: its quota state, its modseq and its domain's settings. */
export interface LockedAccount { quota: QuotaState; modseq: number; domainSettings: string }

/**
 * Locks the account row (a no-op UPDATE: PostgreSQL row lock; SQLite holds the database's write
 * lock already) and reads, in the same statement, its usage, limits, current modseq and its
 * domain's settings: one round trip where a lock, an account read and a domain read were three.
 */
export async function lockAccountQuota(trx: MailTrx, accountId: number): Promise<LockedAccount> {
  return lockedAccount(accountId, await lockAccountQuery(trx, accountId).executeTakeFirst());
}

/** lockAccountQuota's statement, to run with others (a delivery locks all its accounts in one round trip). */
export function lockAccountQuery(trx: MailTrx, accountId: number) {
  return trx.updateTable('accounts').set({ modseq: sql`modseq` }).where('id', '=', accountId)
    .returning(['domain_id', 'used_bytes', 'used_messages', 'quota_bytes', 'quota_messages', 'modseq',
      sql<string>`(select settings from domains where domains.id = accounts.domain_id)`.as('domain_settings')]);
}

/** lockAccountQuery's row (none: there is no such account). */
export type LockRow = NonNullable<Awaited<ReturnType<ReturnType<typeof lockAccountQuery>['executeTakeFirst']>>>;

export function lockedAccount(accountId: number, a: LockRow | undefined): LockedAccount {
  if (!a) throw notFound('account');
  return {
    quota: {
      accountId, domainId: Number(a.domain_id), bytes: Number(a.used_bytes), messages: Number(a.used_messages),
      quotaBytes: a.quota_bytes === null ? null : Number(a.quota_bytes), quotaMessages: a.quota_messages === null ? null : Number(a.quota_messages),
    },
    modseq: Number(a.modseq),
    domainSettings: a.domain_settings ?? '{}',
  };
}

export async function readAccountQuota(db: MailDb | MailTrx, accountId: number): Promise<QuotaState> {
  const a = await db.selectFrom('accounts').select(['id', 'domain_id', 'used_bytes', 'used_messages', 'quota_bytes', 'quota_messages'])
    .where('id', '=', accountId).executeTakeFirst();
  if (!a) throw notFound('account');
  return {
    accountId, domainId: Number(a.domain_id), bytes: Number(a.used_bytes), messages: Number(a.used_messages),
    quotaBytes: a.quota_bytes === null ? null : Number(a.quota_bytes), quotaMessages: a.quota_messages === null ? null : Number(a.quota_messages),
  };
}

/**
 * The domain's usage (sum over its accounts) and limits. With `lock` on PostgreSQL the row of a
 * domain that has limits is locked, so that two deliveries into one domain cannot both pass its
 * limit; callers lock domains in ascending id order after their accounts, which keeps lock order
 * acyclic. A domain without limits is not locked (nothing to exceed: deliveries into it from
 * several nodes run side by side, the SMTP bench's finding), and its usage is summed only when
 * `alwaysSum` (for display).
 */
export async function readDomainQuota(db: MailDb | MailTrx, domainId: number, lock: boolean, alwaysSum = false,
  knownSettings?: string): Promise<DomainQuotaState> {
  const read = async () => {
    const d = await db.selectFrom('domains').select('settings').where('id', '=', domainId).executeTakeFirst();
    if (!d) throw notFound('domain');
    return domainLimits(d.settings);
  };
  // `knownSettings`: the row as the caller just read it in this transaction (lockAccountQuota).
  let limits = knownSettings !== undefined ? domainLimits(knownSettings) : await read();
  const limited = limits.quotaBytes !== null || limits.quotaMessages !== null;
  if (lock && limited) {
    // NO KEY UPDATE: deliveries and account creations into the domain queue behind it, but the
    // foreign-key checks of the account rows (KEY SHARE on the domain) do not (PostgreSQL 13.3.2).
    await sql`select id from domains where id = ${domainId} for no key update`.execute(db);
    limits = await read(); // as of the lock: an administrator may have changed them meanwhile
  }
  // Without domain limits the sum decides nothing: skip it on the delivery path.
  if (limits.quotaBytes === null && limits.quotaMessages === null && !alwaysSum) return { bytes: 0, messages: 0, ...limits };
  const u = await db.selectFrom('accounts')
    .select((eb) => [eb.fn.coalesce(eb.fn.sum<number>('used_bytes'), sql<number>`0`).as('b'),
      eb.fn.coalesce(eb.fn.sum<number>('used_messages'), sql<number>`0`).as('m')])
    .where('domain_id', '=', domainId).executeTakeFirstOrThrow();
  return { bytes: Number(u.b), messages: Number(u.m), ...limits };
}

/** True when adding `bytes` and `messages` keeps both the account and the domain within limits. */
export function fits(a: QuotaState, d: DomainQuotaState, bytes: number, messages: number): boolean {
  const within = (used: number, add: number, limit: number | null) => limit === null || add <= 0 || used + add <= limit;
  return within(a.bytes, bytes, a.quotaBytes) && within(a.messages, messages, a.quotaMessages)
    && within(d.bytes, bytes, d.quotaBytes) && within(d.messages, messages, d.quotaMessages);
}

/** True when this growth takes the account from below `ratio` of a limit to at or above it. */
export function crosses(a: QuotaState, bytes: number, messages: number, ratio: number): boolean {
  const cross = (used: number, add: number, limit: number | null) =>
    limit !== null && limit > 0 && used < ratio * limit && used + add >= ratio * limit;
  return cross(a.bytes, bytes, a.quotaBytes) || cross(a.messages, messages, a.quotaMessages);
}

export async function quotaUsage(db: MailDb, accountId: number): Promise<QuotaUsage> {
  const a = await readAccountQuota(db, accountId);
  const d = await readDomainQuota(db, a.domainId, false, true);
  return { bytes: a.bytes, messages: a.messages, quotaBytes: a.quotaBytes, quotaMessages: a.quotaMessages, domain: d };
}
