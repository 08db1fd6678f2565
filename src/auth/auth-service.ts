import type { Store } from '../store/store.js';
import type { Authenticator, AuthResult } from './authenticator.js';
import { CredentialCache } from './credential-cache.js';
import { hashPassword, verifyPassword } from './password.js';
import { normaliseLogin } from './credentials.js';

export interface LockoutPolicy {
  /** Failures allowed per (login, source) inside the window before the login is refused. */
  maxFailures: number;
  windowMs: number;
}

export interface AuthOptions {
  lockout: LockoutPolicy;
  cacheTtlMs: number;
  now?: () => number;
  /** The password check; tests count its calls to see the cache at work. Default: scrypt. */
  verifyPassword?: (password: string, stored: string) => Promise<boolean>;
}

// A fixed hash to verify against when the login does not exist, so that a missing account
// costs the same time as a wrong password (no user enumeration by timing).
let dummyHash: Promise<string> | null = null;

/** Password verification with per-(login, source) lockout kept in the store (shared by nodes). */
export class AuthService implements Authenticator {
  private readonly cache: CredentialCache;
  private readonly now: () => number;
  /** Verifications in progress per (login, source): the next one waits for the previous. */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(private readonly store: Store, private readonly opts: AuthOptions) {
    this.cache = new CredentialCache(opts.cacheTtlMs);
    this.now = opts.now ?? Date.now;
  }

  /**
   * Verifications of one (login, source) run one at a time on this node: otherwise a client
   * sending many guesses at once would have them all checked against the failure count before
   * the first failure is recorded, and get far more than maxFailures tries.
   */
  async verify(login: string, password: string, source: string): Promise<AuthResult> {
    const name = normaliseLogin(login);
    const key = `${name}\0${source}`;
    const previous = this.inFlight.get(key);
    const run = (previous ? previous.catch(() => {}) : Promise.resolve()).then(() => this.verifyNow(name, password, source));
    this.inFlight.set(key, run);
    try {
      return await run;
    } finally {
      if (this.inFlight.get(key) === run) this.inFlight.delete(key);
    }
  }

  private async verifyNow(name: string, password: string, source: string): Promise<AuthResult> {
    const t = this.now();
    const { maxFailures, windowMs } = this.opts.lockout;
    if (await this.store.countLoginFailures(name, source, t - windowMs) >= maxFailures) return { ok: false, reason: 'locked' };
    // The one lookup every request pays: a cache hit is only good for the hash stored now and
    // an account that is still enabled (the lockout check above comes first as well).
    const account = await this.store.getAccount(name);
    if (account?.passwordHash && this.cache.matches(name, password, account.passwordHash)) {
      return account.disabled ? { ok: false, reason: 'disabled' } : { ok: true, account };
    }
    const check = this.opts.verifyPassword ?? verifyPassword;
    const valid = account?.passwordHash
      ? await check(password, account.passwordHash)
      : (await check(password, await (dummyHash ??= hashPassword('not-a-password'))), false);
    if (!account?.passwordHash || !valid) {
      await this.store.recordLoginFailure(name, source, t);
      return { ok: false, reason: 'invalid' };
    }
    if (account.disabled) return { ok: false, reason: 'disabled' };
    this.cache.remember(name, password, account.passwordHash);
    return { ok: true, account };
  }

  hashPassword(password: string): Promise<string> {
    return hashPassword(password);
  }

  forget(login: string): void {
    this.cache.forget(normaliseLogin(login));
  }
}
