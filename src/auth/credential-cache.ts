import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/**
 * ActiveSync sends Basic credentials on every request; running scrypt each time would cost
 * ~50 ms of CPU. Verified credentials are remembered briefly, keyed by login and holding an
 * HMAC of the password under a per-process random key: the password itself is never kept.
 *
 * The HMAC also covers the stored password hash the password was verified against, and a hit
 * must present the hash stored now: a password changed by any process on any node (`hearth
 * user passwd` is another process) changes the stored hash, so the old entry stops matching on
 * the very next request without any message having to reach this process.
 * A ttl of 0 (auth.cacheTtlSeconds: 0) turns the cache off; lru-cache itself reads 0 as "never expires".
 */
export class CredentialCache {
  private readonly key = randomBytes(32);
  private readonly cache: LRUCache<string, Buffer>;
  private readonly enabled: boolean;

  /** `now` (milliseconds, only ever increasing) replaces performance.now() for the ttl: tests move it. */
  constructor(ttlMs: number, max = 50_000, now?: () => number) {
    this.enabled = ttlMs > 0;
    this.cache = new LRUCache({ max, ...(this.enabled ? { ttl: ttlMs } : {}), ...(now ? { perf: { now }, ttlResolution: 0 } : {}) });
  }

  private mac(login: string, password: string, storedHash: string): Buffer {
    return createHmac('sha256', this.key).update(login).update('\0').update(storedHash).update('\0').update(password).digest();
  }

  /** Remembers that `password` matched `storedHash`, the account's stored hash at the time. */
  remember(login: string, password: string, storedHash: string): void {
    if (!this.enabled) return;
    this.cache.set(login, this.mac(login, password, storedHash));
  }

  /** True when `password` was verified against exactly `storedHash`, the hash stored now. */
  matches(login: string, password: string, storedHash: string): boolean {
    const known = this.cache.get(login);
    return known !== undefined && timingSafeEqual(known, this.mac(login, password, storedHash));
  }

  forget(login: string): void {
    this.cache.delete(login);
  }
}
