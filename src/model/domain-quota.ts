/**
 * A domain's total mail limits, kept in its settings as `quotaBytes` and `quotaMessages`
 * (absent, or anything but a non-negative number, means none). One reading of that rule for the
 * store's transaction (src/store/mail-quota.ts) and SMTP's RCPT-time check (src/mail/quota.ts).
 */
export function domainQuotaLimits(s: { quotaBytes?: unknown; quotaMessages?: unknown }): { quotaBytes: number | null; quotaMessages: number | null } {
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null);
  return { quotaBytes: n(s.quotaBytes), quotaMessages: n(s.quotaMessages) };
}
