/**
 * The usage report for SaaS billing: users (accounts of kind 'user') per domain per day, the
 * month's maximum, and storage. The figures of a day are recorded whenever the user count may
 * change (user created or deleted, through src/admin) and when a report is asked for; a day
 * without a record carries the previous day's figures forward (nothing changed that day).
 */
import type { Domain } from '../model/types.js';
import type { Store } from '../store/store.js';
import type { UsageDay } from '../store/admin-store.js';
import { StoreError } from '../store/errors.js';

export const dayOf = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Records today's users and storage of the domain (the day keeps its maximum of users). */
export async function recordUsageNow(store: Store, domain: Domain, at = Date.now()): Promise<UsageDay> {
  const u = {
    domainId: domain.id,
    day: dayOf(at),
    users: await store.countAccounts(domain.id, 'user'),
    storageBytes: await store.domainStorage(domain.id),
  };
  await store.recordUsage(u);
  return u;
}

export interface UsageReport {
  domain: string;
  /** YYYY-MM */
  month: string;
  days: { day: string; users: number; storageBytes: number }[];
  /** Most users on any day of the month (what per-user billing charges). */
  maxUsers: number;
  maxStorageBytes: number;
  /** Now (for the current month) or at the month's last recorded day. */
  currentUsers: number;
  currentStorageBytes: number;
}

/** The domain's report for `month` (YYYY-MM, UTC), up to today for the current month. */
export async function usageReport(store: Store, domain: Domain, month: string, now = Date.now()): Promise<UsageReport> {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new StoreError('Invalid', `month: expected YYYY-MM, got '${month}'`);
  const today = dayOf(now);
  if (month === today.slice(0, 7)) await recordUsageNow(store, domain, now);
  const [y, m] = month.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const first = `${month}-01`;
  const recorded = new Map((await store.listUsage(domain.id, first, `${month}-${String(last).padStart(2, '0')}`)).map((u) => [u.day, u]));
  let carry = await store.usageBefore(domain.id, first);
  const days: UsageReport['days'] = [];
  for (let d = 1; d <= last; d++) {
    const day = `${month}-${String(d).padStart(2, '0')}`;
    if (day > today) break;
    carry = recorded.get(day) ?? carry;
    // Before the domain's first record there is nothing to bill.
    if (carry) days.push({ day, users: carry.users, storageBytes: carry.storageBytes });
  }
  const lastDay = days.at(-1);
  return {
    domain: domain.name,
    month,
    days,
    maxUsers: Math.max(0, ...days.map((d) => d.users)),
    maxStorageBytes: Math.max(0, ...days.map((d) => d.storageBytes)),
    currentUsers: lastDay?.users ?? 0,
    currentStorageBytes: lastDay?.storageBytes ?? 0,
  };
}
