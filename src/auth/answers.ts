/**
 * The one mapping from a login's outcome to each protocol's answer (docs/security.md, "Logins").
 *
 * What a client does with the answer decides it: a phone that gets 401 asks its user for the
 * password again, one that gets 503 with Retry-After backs off and retries on its own. So a
 * refusal that a password cannot fix (locked, throttled) is a temporary "unavailable" in every
 * protocol, and a refusal the user must fix (wrong password, no credentials) is "authentication
 * failed". A disabled account gets exactly the wrong-password answer: nobody learns that the
 * password was right. Pure functions: protocols write the answer, this module decides it.
 */
import type { AuthResult } from './authenticator.js';

/** A refused login: a failed verify(), or `missing` when no usable credentials came at all. */
export type LoginRefusal = Extract<AuthResult, { ok: false }> | { ok: false; reason: 'missing' };

/** Is this refusal one that waiting lifts (locked, throttled), rather than a better password? */
export function isTemporary(r: LoginRefusal): r is Extract<LoginRefusal, { retryAfterSeconds: number }> {
  return r.reason === 'locked' || r.reason === 'throttled';
}

/** The Basic challenge for a realm, with the charset we decode (RFC 7617 §2.1). */
export function basicChallenge(realm: string): string {
  return `Basic realm="${realm.replace(/["\\]/g, '')}", charset="UTF-8"`;
}

export interface HttpLoginAnswer {
  status: 401 | 503;
  headers: Record<string, string>;
}

/**
 * HTTP (ActiveSync, DAV, Autodiscover): 401 with the Basic challenge (RFC 9110 §15.5.2, the
 * challenge is required) for missing, invalid and disabled; 503 with Retry-After in seconds
 * (RFC 9110 §15.6.4, §10.2.3) for locked and throttled: the throttling answer [MS-ASHTTP]
 * 3.1.5.2.3 defines, whose Retry-After the client SHOULD honour. Not 429, which MS-ASHTTP does
 * not define and which DAV clients show as an error.
 */
export function httpLoginAnswer(r: LoginRefusal, realm: string): HttpLoginAnswer {
  if (isTemporary(r)) return { status: 503, headers: { 'retry-after': String(Math.max(1, Math.ceil(r.retryAfterSeconds))) } };
  return { status: 401, headers: { 'www-authenticate': basicChallenge(realm) } };
}

/**
 * SMTP AUTH (RFC 4954 §6, enhanced codes RFC 3463/5248): 501 5.5.2 for a response that cannot
 * be decoded (§4), 535 5.7.8 for bad credentials, 454 4.7.0 for a temporary failure.
 */
export function smtpLoginAnswer(r: LoginRefusal): string {
  if (r.reason === 'missing') return '501 5.5.2 Cannot decode the authentication response';
  if (isTemporary(r)) return `454 4.7.0 Temporary authentication failure, try again in ${Math.max(1, Math.ceil(r.retryAfterSeconds))} s`;
  return '535 5.7.8 Authentication credentials invalid';
}

/**
 * IMAP LOGIN/AUTHENTICATE (RFC 9051 §6.2.2/§6.2.3, response codes RFC 5530 §3): BAD for a
 * response that cannot be decoded, NO [AUTHENTICATIONFAILED] for bad credentials,
 * NO [UNAVAILABLE] for a temporary failure. Returned without the tag.
 */
export function imapLoginAnswer(r: LoginRefusal): string {
  if (r.reason === 'missing') return 'BAD Invalid authentication response';
  if (isTemporary(r)) return 'NO [UNAVAILABLE] Temporary authentication failure, try again later';
  return 'NO [AUTHENTICATIONFAILED] Authentication failed';
}

/**
 * POP3 USER/PASS and AUTH (RFC 5034 §4, response codes RFC 3206 §4 and §5): -ERR [AUTH] for
 * bad or undecodable credentials, -ERR [SYS/TEMP] for a temporary failure.
 */
export function pop3LoginAnswer(r: LoginRefusal): string {
  if (isTemporary(r)) return '-ERR [SYS/TEMP] Temporary authentication failure, try again later';
  return '-ERR [AUTH] Authentication failed';
}

/**
 * The admin REST API's sign-in (POST /api/v1/auth/token, docs/api.md): 401 for missing, invalid
 * and disabled (a Bearer challenge: the API takes tokens, not Basic); 429 with Retry-After for
 * locked and throttled (RFC 6585 §4), the API's one answer for "too many, wait".
 */
export function restLoginAnswer(r: LoginRefusal): { status: 401 | 429; headers: Record<string, string> } {
  if (isTemporary(r)) return { status: 429, headers: { 'retry-after': String(Math.max(1, Math.ceil(r.retryAfterSeconds))) } };
  return { status: 401, headers: { 'www-authenticate': 'Bearer realm="hearth-admin"' } };
}
