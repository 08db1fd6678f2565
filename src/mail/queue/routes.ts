/**
 * Where mail for a domain goes (RFC 5321 §5.1): its MX hosts by preference; without MX records
 * the domain itself (the implicit MX, its A/AAAA addresses); a null MX (RFC 7505: one record
 * with the root as exchange) or a domain that does not exist is a permanent failure. DNS
 * comes through an injectable resolver so that tests run offline.
 */
import { promises as dns } from 'node:dns';

/** The part of node:dns the queue uses. */
export interface MxResolver {
  resolveMx(name: string): Promise<{ exchange: string; priority: number }[]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
}

export const systemResolver: MxResolver = {
  resolveMx: (n) => dns.resolveMx(n),
  resolve4: (n) => dns.resolve4(n),
  resolve6: (n) => dns.resolve6(n),
};

/** One host to try: its name (TLS SNI, logs) and an address to connect to. */
export interface RouteHost {
  name: string;
  address: string;
}

export type Route =
  | { kind: 'hosts'; hosts: RouteHost[] }
  /** RFC 3463 status and a reason, for the DSN. */
  | { kind: 'permanent'; status: string; reason: string }
  | { kind: 'temporary'; status: string; reason: string };

const code = (e: unknown) => (e as NodeJS.ErrnoException)?.code ?? '';
/** NXDOMAIN and "no records of this type" are answers; anything else (SERVFAIL, timeout) is a DNS failure to retry. */
const isAnswer = (e: unknown) => code(e) === 'ENOTFOUND' || code(e) === 'ENODATA';

async function addresses(resolver: MxResolver, name: string): Promise<string[] | 'nxdomain'> {
  const out: string[] = [];
  let nx = 0;
  for (const lookup of [resolver.resolve4, resolver.resolve6]) {
    try {
      out.push(...(await lookup.call(resolver, name)));
    } catch (e) {
      if (!isAnswer(e)) throw e;
      if (code(e) === 'ENOTFOUND') nx++;
    }
  }
  return out.length === 0 && nx === 2 ? 'nxdomain' : out;
}

export async function routeFor(domain: string, resolver: MxResolver): Promise<Route> {
  let mx: { exchange: string; priority: number }[];
  try {
    mx = await resolver.resolveMx(domain);
  } catch (e) {
    if (code(e) === 'ENOTFOUND') return { kind: 'permanent', status: '5.1.2', reason: `Domain ${domain} does not exist (DNS NXDOMAIN)` };
    if (code(e) !== 'ENODATA')
      return { kind: 'temporary', status: '4.4.3', reason: `DNS lookup of ${domain} MX failed (${code(e) || 'error'})` };
    mx = [];
  }
  // RFC 7505 §3: a null MX is the only record, exchange "." (node reports it as '').
  if (mx.length === 1 && (mx[0].exchange === '' || mx[0].exchange === '.')) {
    return { kind: 'permanent', status: '5.1.10', reason: `Domain ${domain} does not accept mail (null MX, RFC 7505)` };
  }
  // RFC 5321 §5.1: no MX records: the domain itself is the implicit MX, preference 0.
  const exchanges =
    mx.length === 0
      ? [domain]
      : mx
          .filter((r) => r.exchange && r.exchange !== '.')
          .sort((a, b) => a.priority - b.priority)
          .map((r) => r.exchange.replace(/\.$/, ''));
  const hosts: RouteHost[] = [];
  let dnsFailed = false;
  for (const name of exchanges) {
    try {
      const found = await addresses(resolver, name);
      if (found === 'nxdomain') {
        if (mx.length === 0) return { kind: 'permanent', status: '5.1.2', reason: `Domain ${domain} does not exist (DNS NXDOMAIN)` };
        continue;
      }
      for (const address of found) hosts.push({ name, address });
    } catch {
      dnsFailed = true;
    }
  }
  if (hosts.length > 0) return { kind: 'hosts', hosts };
  if (dnsFailed) return { kind: 'temporary', status: '4.4.3', reason: `DNS lookup of ${domain}'s mail hosts failed` };
  // Records exist but no host has an address: treat as a configuration error on their side that may be fixed.
  return mx.length === 0
    ? { kind: 'permanent', status: '5.1.2', reason: `Domain ${domain} has no MX and no address records` }
    : { kind: 'temporary', status: '4.4.4', reason: `No address for the mail hosts of ${domain}` };
}
