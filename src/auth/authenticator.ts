import type { Account } from '../model/types.js';

export type AuthFailure = 'invalid' | 'locked' | 'disabled';
export type AuthResult = { ok: true; account: Account } | { ok: false; reason: AuthFailure };

/** Verifies credentials with lockout and a short-lived cache of verified credentials. */
export interface Authenticator {
  /** `source` is the client's address; lockout counts failures per (login, source). */
  verify(login: string, password: string, source: string): Promise<AuthResult>;
  hashPassword(password: string): Promise<string>;
  /** Forget cached credentials of the login (password change, disable, delete). */
  forget(login: string): void;
}
