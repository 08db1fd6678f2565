import { setTimeout as sleep } from 'node:timers/promises';
import type { Store } from '../store/store.js';
import type { Authenticator, AuthResult } from './authenticator.js';
import { CredentialCache } from './credential-cache.js';
import { hashPassword, verifyPassword } from './password.js';
import { normaliseLogin } from './credentials.js';
import { AccountThrottle, DEFAULT_THROTTLE, type ThrottlePolicy } from './throttle.js';

export interface LockoutPolicy {
  /** Failures allowed per (login, source) inside the window before the login is refused. */
  maxFailures: number;
  /** How long a failure counts, for the lockout and the per-account limit; older rows are purged. */
  windowMs: number;
}

export interface AuthOptions {
  lockout: LockoutPolicy;
  /** The per-account slowing (src/auth/throttle.ts); defaults to DEFAULT_THROTTLE. */
  throttle?: Partial<ThrottlePolicy>;
  cacheTtlMs: number;
  now?: () => number;
  /** How the per-account delay waits; tests pass one that does not. */
  sleep?: (ms: number) => Promise<unknown>;
  /** The password check; tests count its calls to see the cache at work. Default: scrypt. */
  verifyPassword?: (password: string, stored: string) => Promise<boolean>;
}

/** Old failure rows are purged when a failure is written, at most this often per process. */
const PURGE_EVERY_MS = 60_000;

// A fixed hash to verify against when the login does not exist, so that a missing account
// costs the same time as a wrong password (no user enumeration by timing).
let dummyHash: Promise<string> | null = null;

/**
 * Password verification with per-(login, source) lockout and a per-login slowing across all
 * sources, both kept in the store (shared by nodes), and a cache of verified credentials bound
 * to the stored hash (credential-cache.ts).
 */
export class AuthService implements Authenticator {
  private readonly cache: CredentialCache;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<unknown>;
  private readonly throttle: AccountThrottle;
  /** Verifications in progress per (login, source): the next one waits for the previous. */
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private lastPurge = 0;

  constructor(private readonly store: Store, private readonly opts: AuthOptions) {
    this.cache = new CredentialCache(opts.cacheTtlMs);
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? sleep;
    this.throttle = new AccountThrottle({ ...DEFAULT_THROTTLE, ...opts.throttle });
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
    // Locked: the lock ends when the maxFailures-th newest failure leaves the window.
    const recent = await this.store.loginFailureTimes(name, source, t - windowMs, maxFailures);
    if (recent.length >= maxFailures) return { ok: false, reason: 'locked', retryAfterSeconds: seconds(recent[maxFailures - 1] + windowMs - t) };
    // The one lookup a cached login pays: a hit is only good for the hash stored now and an
    // account still enabled, so a change by any process or node counts on the next request.
    const account = await this.store.getAccount(name);
    if (account?.passwordHash && this.cache.matches(name, password, account.passwordHash)) {
      return account.disabled ? { ok: false, reason: 'disabled' } : { ok: true, account };
    }
    // The per-account limit: slow every source down (never for a cached login: it is no guess).
    const delay = this.throttle.delayMs(await this.store.countAccountLoginFailures(name, t - windowMs));
    if (delay > 0) {
      if (!this.throttle.enter(name)) return { ok: false, reason: 'throttled', retryAfterSeconds: seconds(delay) };
      try {
        await this.sleep(delay);
      } finally {
        this.throttle.leave(name);
      }
    }
    const check = this.opts.verifyPassword ?? verifyPassword;
    const valid = account?.passwordHash
      ? await check(password, account.passwordHash)
      : (await check(password, await (dummyHash ??= hashPassword('not-a-password'))), false);
    if (!account?.passwordHash || !valid) {
      await this.recordFailure(name, source, t);
      return { ok: false, reason: 'invalid' };
    }
    if (account.disabled) return { ok: false, reason: 'disabled' };
    this.cache.remember(name, password, account.passwordHash);
    return { ok: true, account };
  }

  /** Records a failure and, at most once a minute, deletes the rows that no longer count. */
  private async recordFailure(name: string, source: string, t: number): Promise<void> {
    await this.store.recordLoginFailure(name, source, t);
    if (t - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = t;
    await this.store.purgeLoginFailures(t - this.opts.lockout.windowMs);
  }

  hashPassword(password: string): Promise<string> {
    return hashPassword(password);
  }

  forget(login: string): void {
    this.cache.forget(normaliseLogin(login));
  }
}

/** Whole seconds, at least 1 (Retry-After is delta-seconds, RFC 9110 §10.2.3). */
function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
