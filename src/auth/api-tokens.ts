/**
 * Sign-in tokens of the admin API: short-lived JWTs (RFC 7519) signed with HS256 under keys kept
 * in the store, so that every node (PostgreSQL, several nodes) verifies a token any node issued.
 * The newest key signs; a key older than ROTATE_MS is replaced by a fresh one at the next issue,
 * and old keys stay for verification until no token they signed can still be valid.
 *
 * A token names its account and a fingerprint of the account's password hash: a password reset
 * ends every token issued before it, and a disabled account's tokens stop working (the caller
 * re-reads the account on every request). It also carries when its session began (`sia`): a
 * still valid token can be exchanged for a fresh one (POST /api/v1/auth/refresh) until the
 * session is SESSION_MAX_MS old; then the administrator signs in again.
 */
import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, decodeProtectedHeader, jwtVerify } from 'jose';
import type { Account } from '../model/types.js';
import type { Store } from '../store/store.js';

export const TOKEN_TTL_MS = 15 * 60_000;
export const ROTATE_MS = 24 * 3600_000;
/** The longest a session lasts through refreshes, from the sign-in with the password. */
export const SESSION_MAX_MS = 12 * 3600_000;
const ISSUER = 'hearth-admin-api';

export interface IssuedToken {
  token: string;
  expiresAt: number;
}
export interface TokenClaims {
  accountId: number;
  passwordFingerprint: string;
  /** When the session began (the password sign-in), ms. */
  signedInAt: number;
}

/** A short, non-reversible fingerprint of the stored hash (never the hash itself). */
export const passwordFingerprint = (a: Account) =>
  createHash('sha256')
    .update(a.passwordHash ?? '')
    .digest('base64url')
    .slice(0, 16);

export class ApiTokens {
  private keys = new Map<string, Uint8Array>();

  /**
   * `audience` keeps token kinds apart: the set-up page's session tokens ('hearth-setup') are
   * signed with the same keys but are never accepted by the admin API, nor its tokens there.
   */
  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
    private readonly audience: string = ISSUER,
  ) {}

  /** A token for `account`; `signedInAt` (ms) carries a refreshed session's start, else it starts now. */
  async issue(account: Account, signedInAt?: number): Promise<IssuedToken> {
    const { kid, key } = await this.signingKey();
    const iat = Math.floor(this.now() / 1000);
    const exp = iat + TOKEN_TTL_MS / 1000;
    const sia = signedInAt === undefined ? iat : Math.floor(signedInAt / 1000);
    const token = await new SignJWT({ pwf: passwordFingerprint(account), sia })
      .setProtectedHeader({ alg: 'HS256', kid, typ: 'JWT' })
      .setSubject(String(account.id))
      // Each token is distinct, also two issued in the same second (a sign-in and its refresh).
      .setJti(randomBytes(9).toString('base64url'))
      .setIssuer(ISSUER)
      .setAudience(this.audience)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(key);
    return { token, expiresAt: exp * 1000 };
  }

  /** The claims of a valid token, or null (malformed, unknown key, bad signature, expired). */
  async verify(token: string): Promise<TokenClaims | null> {
    try {
      const { kid, alg } = decodeProtectedHeader(token);
      if (alg !== 'HS256' || typeof kid !== 'string') return null;
      const key = await this.keyFor(kid);
      if (!key) return null;
      const { payload } = await jwtVerify(token, key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: this.audience,
        currentDate: new Date(this.now()),
      });
      const accountId = Number(payload.sub);
      if (!Number.isInteger(accountId) || typeof payload.pwf !== 'string') return null;
      const sia = typeof payload.sia === 'number' ? payload.sia : payload.iat;
      if (typeof sia !== 'number') return null;
      return { accountId, passwordFingerprint: payload.pwf, signedInAt: sia * 1000 };
    } catch {
      return null;
    }
  }

  private async keyFor(kid: string): Promise<Uint8Array | null> {
    if (!this.keys.has(kid)) await this.reload();
    return this.keys.get(kid) ?? null;
  }

  private async reload(): Promise<void> {
    this.keys = new Map((await this.store.listSigningKeys()).map((k) => [k.kid, Buffer.from(k.secret, 'base64url')]));
  }

  /** The newest key if it is young enough, else a new one (and keys nothing valid can need any more go). */
  private async signingKey(): Promise<{ kid: string; key: Uint8Array }> {
    const t = this.now();
    let newest = (await this.store.listSigningKeys())[0];
    if (!newest || t - newest.createdAt >= ROTATE_MS) {
      const fresh = { kid: randomBytes(9).toString('base64url'), secret: randomBytes(32).toString('base64url'), createdAt: t };
      await this.store.addSigningKey(fresh);
      await this.store.deleteSigningKeysBefore(t - ROTATE_MS - 2 * TOKEN_TTL_MS);
      newest = (await this.store.listSigningKeys())[0];
    }
    const key = Buffer.from(newest.secret, 'base64url');
    this.keys.set(newest.kid, key);
    return { kid: newest.kid, key };
  }
}
