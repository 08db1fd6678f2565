import type { Account } from '../model/types.js';

/**
 * Why a login was refused. `invalid`: unknown login or wrong password; `disabled`: right password,
 * account disabled; `locked`: too many failures from this source; `throttled`: too many guesses at
 * this account from everywhere, come back later. How each protocol answers is src/auth/answers.ts.
 */
export type AuthFailure = 'invalid' | 'locked' | 'disabled' | 'throttled';
export type AuthResult =
  | { ok: true; account: Account }
  | { ok: false; reason: 'invalid' | 'disabled' }
  /** `retryAfterSeconds`: when trying again can succeed (the real end of the lock), at least 1. */
  | { ok: false; reason: 'locked' | 'throttled'; retryAfterSeconds: number };

/** Verifies credentials with lockout and a short-lived cache of verified credentials. */
export interface Authenticator {
  /**
   * `login` as the client sent it (normalised here, once, for every protocol: see
   * normaliseLogin); `source` is the client's address; lockout counts failures per (login, source).
   */
  verify(login: string, password: string, source: string): Promise<AuthResult>;
  hashPassword(password: string): Promise<string>;
  /** Forget cached credentials of the login (password change, disable, delete). */
  forget(login: string): void;
}
