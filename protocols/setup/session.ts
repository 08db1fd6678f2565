/**
 * The set-up page's session and CSRF defence.
 *
 * - Session: a short-lived signed token (src/auth/api-tokens.ts, audience 'hearth-setup': the
 *   admin API refuses it, and the page refuses API tokens) in a `__Host-` cookie that is
 *   HttpOnly, Secure and SameSite=Strict (RFC 6265bis §4.1.3). The account is re-read on every
 *   request: a disabled account or a changed password ends the session at once.
 * - CSRF: every form carries a token derived from the session (an attacker's page can read
 *   neither), compared in constant time; and a state-changing request whose Origin (or Referer)
 *   names another site is refused before anything else (the OWASP "verify origin" defence).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Account } from '../../src/model/types.js';
import type { Store } from '../../src/store/store.js';
import { ApiTokens, TOKEN_TTL_MS, passwordFingerprint } from '../../src/auth/api-tokens.js';

export const COOKIE = '__Host-hearth-setup';
export const SETUP_AUDIENCE = 'hearth-setup';

export interface Session {
  account: Account;
  token: string;
  csrf: string;
}

/** The cookies of the request by name (RFC 6265 §5.4: `name=value; name=value`). */
export function cookies(req: FastifyRequest): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

export const csrfOf = (token: string) => createHash('sha256').update(`csrf\n${token}`).digest('base64url');

/** Constant-time comparison of two strings (lengths differ: false, after a comparison of equal cost). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  if (x.length !== y.length) {
    timingSafeEqual(x, x);
    return false;
  }
  return timingSafeEqual(x, y);
}

export class SetupSessions {
  private readonly tokens: ApiTokens;

  constructor(
    private readonly store: Store,
    now: () => number,
  ) {
    this.tokens = new ApiTokens(store, now, SETUP_AUDIENCE);
  }

  /** The session of the request's cookie, or null (none, expired, account disabled, password changed). */
  async read(req: FastifyRequest): Promise<Session | null> {
    const token = cookies(req).get(COOKIE);
    if (!token || token.length > 4096) return null;
    const claims = await this.tokens.verify(token);
    const account = claims ? await this.store.getAccount(claims.accountId) : null;
    if (!claims || !account || account.disabled || passwordFingerprint(account) !== claims.passwordFingerprint) return null;
    return { account, token, csrf: csrfOf(token) };
  }

  /** Starts a session: sets the cookie. */
  async start(reply: FastifyReply, account: Account): Promise<void> {
    const { token } = await this.tokens.issue(account);
    reply.header('set-cookie', `${COOKIE}=${token}; Path=/; Max-Age=${TOKEN_TTL_MS / 1000}; HttpOnly; Secure; SameSite=Strict`);
  }

  end(reply: FastifyReply): void {
    reply.header('set-cookie', `${COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict`);
  }
}

/**
 * Whether a state-changing request comes from our own pages: its Origin, or else its Referer,
 * must be this site (the scheme and host the request was made to). Neither header: allowed, the
 * CSRF token and SameSite=Strict still stand (some privacy settings strip both).
 */
export function sameOrigin(req: FastifyRequest): boolean {
  const own = `${req.protocol}://${req.host}`.toLowerCase();
  const origin = req.headers.origin;
  if (origin !== undefined) return String(origin).toLowerCase() === own;
  const referer = req.headers.referer;
  if (referer === undefined) return true;
  try {
    return new URL(String(referer)).origin.toLowerCase() === own;
  } catch {
    return false;
  }
}

/** The form's CSRF token matches the session's. */
export function csrfOk(session: Session, body: Record<string, string>): boolean {
  return typeof body.csrf === 'string' && sameSecret(body.csrf, session.csrf);
}
