/**
 * The DNS lookups mail authentication makes (SPF, DKIM keys, DMARC records), as the function
 * mailauth takes (`resolver` option): injectable, so that tests serve their own records offline.
 * Errors follow node:dns (`code` ENOTFOUND / ENODATA for "no such name" / "no such record").
 */
import { Resolver } from 'node:dns/promises';

export type DnsResolver = (name: string, rrtype: string) => Promise<any>;

/** The system's resolver with a bounded wait per query (a slow zone must not hold an SMTP transaction). */
export function systemResolver(timeoutMs = 5000): DnsResolver {
  const r = new Resolver({ timeout: timeoutMs, tries: 1 });
  return (name, rrtype) => r.resolve(name, rrtype as 'TXT');
}
