/**
 * MTA-STS (RFC 8461): a domain that publishes `_mta-sts.DOMAIN` TXT "v=STSv1; id=..." and a
 * policy at https://mta-sts.DOMAIN/.well-known/mta-sts.txt asks senders to deliver only to the
 * MX hosts the policy names, over TLS with a certificate valid for the MX name (§4). In
 * `enforce` mode a delivery that cannot meet that is deferred (§5); `testing` only logs.
 * Policies are cached per node for their max_age (in memory: a restart refetches).
 */
import { get } from 'node:https';

export interface MtaStsPolicy {
  mode: 'enforce' | 'testing' | 'none';
  /** MX patterns: a host name, or `*.example.net` matching one more label (§4.1). */
  mx: string[];
  maxAgeSeconds: number;
}

/** Where policies come from: DNS TXT and the HTTPS policy file (injectable for tests). */
export interface MtaStsSource {
  resolveTxt(name: string): Promise<string[][]>;
  /** The policy file's text, or null when there is none (any HTTP or TLS failure). */
  fetchPolicy(domain: string): Promise<string | null>;
}

/** RFC 8461 §3.3: HTTPS with a valid certificate, no redirects, a 200, at most 64 KiB. */
export function fetchPolicyOverHttps(domain: string, timeoutMs = 60_000): Promise<string | null> {
  return new Promise((resolve) => {
    const req = get(
      { host: `mta-sts.${domain}`, path: '/.well-known/mta-sts.txt', timeout: timeoutMs, rejectUnauthorized: true },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return resolve(null);
        }
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
          if (text.length > 65_536) req.destroy();
        });
        res.on('end', () => resolve(text.length > 65_536 ? null : text));
        res.on('error', () => resolve(null));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
  });
}

/** Parses a policy file (§3.2); null when it is not a valid STSv1 policy. */
export function parsePolicy(text: string): MtaStsPolicy | null {
  const fields = new Map<string, string[]>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Za-z0-9_]+):\s*(.*?)\s*$/.exec(line);
    if (m) fields.set(m[1].toLowerCase(), [...(fields.get(m[1].toLowerCase()) ?? []), m[2]]);
  }
  const mode = fields.get('mode')?.[0];
  const maxAge = Number(fields.get('max_age')?.[0]);
  if (fields.get('version')?.[0] !== 'STSv1' || (mode !== 'enforce' && mode !== 'testing' && mode !== 'none')) return null;
  if (!Number.isInteger(maxAge) || maxAge < 0) return null;
  const mx = (fields.get('mx') ?? []).map((p) => p.toLowerCase());
  if (mode !== 'none' && mx.length === 0) return null;
  // §3.2: max_age at most 31557600 seconds.
  return { mode, mx, maxAgeSeconds: Math.min(maxAge, 31_557_600) };
}

/** §4.1: exact match, or a wildcard for exactly one leftmost label. */
export function mxMatches(policy: MtaStsPolicy, host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return policy.mx.some((p) => (p.startsWith('*.') ? h.endsWith(p.slice(1)) && !h.slice(0, -p.length + 1).includes('.') : h === p));
}

/** Per-node policy cache keyed by domain, refreshed when the TXT id changes (§5.1). */
export class MtaSts {
  private readonly cache = new Map<string, { id: string; policy: MtaStsPolicy; until: number }>();

  constructor(private readonly source: MtaStsSource) {}

  async policyFor(domain: string, now: number): Promise<MtaStsPolicy | null> {
    const cached = this.cache.get(domain);
    const valid = cached && cached.until > now ? cached : null;
    let id: string | null = null;
    try {
      const records = (await this.source.resolveTxt(`_mta-sts.${domain}`)).map((r) => r.join(''));
      const sts = records.filter((r) => /^v=STSv1\s*(;|$)/.test(r));
      // §3.1: exactly one record, else the domain has no (usable) policy announcement.
      if (sts.length === 1) id = /(?:^|;)\s*id=([A-Za-z0-9]{1,32})\s*(;|$)/.exec(sts[0])?.[1] ?? null;
    } catch {
      return valid?.policy ?? null;
    }
    if (!id) return valid?.policy ?? null;
    if (valid && valid.id === id) return valid.policy;
    const text = await this.source.fetchPolicy(domain).catch(() => null);
    const policy = text === null ? null : parsePolicy(text);
    if (!policy) return valid?.policy ?? null;
    this.cache.set(domain, { id, policy, until: now + policy.maxAgeSeconds * 1000 });
    return policy;
  }
}
