/**
 * An offline DNS for mail authentication tests: records by name and type, as node:dns answers
 * them (TXT as arrays of strings); a missing name is ENOTFOUND, a missing type ENODATA.
 */
import type { DnsResolver } from '../../src/mail/dns.js';

export type FakeZone = Record<string, Partial<Record<'TXT' | 'A' | 'AAAA' | 'MX', string[]>>>;

export function fakeResolver(zone: FakeZone): DnsResolver & { queries: string[] } {
  const queries: string[] = [];
  const fn = async (name: string, rrtype: string) => {
    queries.push(`${rrtype} ${name}`);
    const entry = zone[name.toLowerCase().replace(/\.$/, '')];
    const fail = (code: string) => Object.assign(new Error(`${code} ${name}`), { code });
    if (!entry) throw fail('ENOTFOUND');
    const values = entry[rrtype as keyof typeof entry];
    if (!values) throw fail('ENODATA');
    if (rrtype === 'TXT') return values.map((v) => chunks(v));
    if (rrtype === 'MX') return values.map((v, i) => ({ exchange: v, priority: 10 * (i + 1) }));
    return values;
  };
  return Object.assign(fn, { queries });
}

/** TXT values longer than 255 bytes come back in several strings, as real DNS gives them. */
function chunks(v: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < v.length; i += 255) out.push(v.slice(i, i + 255));
  return out.length ? out : [''];
}
