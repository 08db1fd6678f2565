/**
 * Sender authentication of mail arriving on the MX: SPF (RFC 7208) with the client address, HELO
 * and MAIL FROM; DKIM (RFC 6376); ARC (RFC 8617, verified, not sealed); DMARC (RFC 7489), all by
 * mailauth. The results become one Authentication-Results field (RFC 8601) naming this server
 * (authserv-id = the server's host name), prepended to the message after every incoming
 * Authentication-Results field that claims the same authserv-id was removed (RFC 8601 §5: a
 * forged one would otherwise be believed by the user's client).
 */
import { fieldValue, rewriteHeader, type HeaderField } from './header-block.js';
import type { DnsResolver } from './dns.js';

export type AuthResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror' | 'policy';

/** What to do with a message whose From domain publishes p=reject and fails DMARC (RFC 7489 §6.6.4, §10.3). */
export type DmarcRejectAction = 'reject' | 'junk';

export interface InboundAuthInput {
  /** The client's IP address. */
  ip: string;
  /** EHLO/HELO name. */
  helo: string;
  /** MAIL FROM; '' for the null reverse-path (SPF then checks the HELO identity, RFC 7208 §2.4). */
  mailFrom: string;
  /** This server's host name: the authserv-id. */
  authservId: string;
  resolver: DnsResolver;
  dmarcReject: DmarcRejectAction;
  /** The most all checks together may take (default 30 s); then every result is temperror. */
  budgetMs?: number;
}

export interface InboundAuthOutcome {
  /** The message with the new Authentication-Results field on top and forged ones removed. */
  bytes: Buffer;
  /** The Authentication-Results field as prepended (with its CRLF). */
  header: string;
  spf: AuthResult;
  dkim: AuthResult;
  dmarc: AuthResult;
  arc: AuthResult;
  /** deliver: as usual; junk: into the Junk folder (p=quarantine, or p=reject under 'junk'); reject: refuse (550 5.7.1). */
  verdict: 'deliver' | 'junk' | 'reject';
  /** The DMARC policy applied when the verdict is not 'deliver' (for the log and the reply). */
  reason?: string;
}

const result = (r: string | undefined): AuthResult => (r === 'temperr' ? 'temperror' : (r ?? 'none')) as AuthResult;

/** The authserv-id an Authentication-Results field claims (RFC 8601 §2.2), comments dropped, lower case. */
export function authservIdOf(field: HeaderField): string {
  let value = fieldValue(field);
  // Comments may nest (RFC 5322 §3.2.2); drop innermost first.
  for (let i = 0; i < 20 && /\([^()]*\)/.test(value); i++) value = value.replace(/\([^()]*\)/g, ' ');
  return (value.trim().split(/[\s;]/)[0] ?? '').toLowerCase();
}

/**
 * Authenticates one incoming message and decides what DMARC asks. Never throws for a DNS
 * failure (that is a temperror result); the verdict follows the From domain's DMARC policy.
 */
export async function authenticateInbound(raw: Buffer, input: InboundAuthInput): Promise<InboundAuthOutcome> {
  const id = input.authservId.toLowerCase();
  // Loaded on first use: mailauth takes seconds to load on a busy machine, and `hearth serve` should not wait for it.
  const { authenticate } = await import('mailauth');
  const checks = authenticate(raw, {
    ip: input.ip,
    helo: input.helo,
    sender: input.mailFrom,
    mta: id,
    resolver: input.resolver as never,
    disableBimi: true,
    trustReceived: false,
  });
  // A stalled DNS or a message mailauth cannot read must not hold the SMTP transaction or bounce
  // the mail: past the budget, or on an error, every method is a temperror (RFC 8601 §2.7).
  checks.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const res = await Promise.race([
    checks,
    new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), input.budgetMs ?? 30_000);
    }),
  ])
    .catch(() => null)
    .finally(() => clearTimeout(timer));
  if (!res) {
    const header = `Authentication-Results: ${id};\r\n dkim=temperror (checks did not complete);\r\n spf=temperror;\r\n dmarc=temperror\r\n`;
    const bytes = rewriteHeader(raw, { prepend: [header], drop: (f) => f.name === 'authentication-results' && authservIdOf(f) === id });
    return { bytes, header, spf: 'temperror', dkim: 'temperror', dmarc: 'temperror', arc: 'none', verdict: 'deliver' };
  }
  // RFC 8601 §2.2: "authserv-id; method=result ...". mailauth formats each method's part.
  // RFC 6376 §6.1.3: a body hash that does not verify is PERMFAIL, which RFC 8601 §2.7.1 reports
  // as dkim=fail; mailauth calls it neutral.
  for (const r of res.dkim?.results ?? []) {
    if (r.status?.result === 'neutral' && r.status.comment === 'body hash did not verify') {
      r.status.result = 'fail';
      r.info = r.info.replace(/^dkim=neutral/, 'dkim=fail');
    }
  }
  const parts = [
    ...(res.dkim?.results ?? []).map((r) => r.info),
    ...(res.spf ? [res.spf.info] : []),
    ...(res.arc && res.arc.info ? [res.arc.info] : []),
    ...(res.dmarc && res.dmarc.info ? [res.dmarc.info] : []),
  ]
    .filter(Boolean)
    .map((p) => p.replace(/\r?\n[ \t]*/g, ' '));
  const header = `Authentication-Results: ${id};${parts.length ? `\r\n ${parts.join(';\r\n ')}` : ' none'}\r\n`;
  const bytes = rewriteHeader(raw, {
    prepend: [header],
    drop: (f) => f.name === 'authentication-results' && authservIdOf(f) === id,
  });

  const dkimResults = (res.dkim?.results ?? []).map((r) => result(r.status?.result));
  const dkim: AuthResult = dkimResults.includes('pass') ? 'pass' : (dkimResults[0] ?? 'none');
  const dmarc = res.dmarc ? result(res.dmarc.status?.result) : 'none';
  const outcome: InboundAuthOutcome = {
    bytes,
    header,
    dkim,
    dmarc,
    spf: res.spf ? result(res.spf.status?.result) : 'none',
    arc: res.arc ? result(res.arc.status?.result) : 'none',
    verdict: 'deliver',
  };
  if (res.dmarc && dmarc === 'fail') {
    const policy = (res.dmarc.policy ?? 'none').toLowerCase();
    // RFC 7489 §6.6.4: pct says on what share of failing mail the policy is applied.
    const applies = res.dmarc.pct === undefined || res.dmarc.pct >= 100 || Math.random() * 100 < res.dmarc.pct;
    if (applies && policy === 'reject') outcome.verdict = input.dmarcReject;
    else if (applies && policy === 'quarantine') outcome.verdict = 'junk';
    if (outcome.verdict !== 'deliver') outcome.reason = `DMARC policy of ${res.dmarc.domain} is ${policy}`;
  }
  return outcome;
}
