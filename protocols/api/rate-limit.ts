/**
 * Per-client request budget of the admin API (token bucket per principal, or per source address
 * before sign-in): past it, 429 with Retry-After (RFC 6585 §4, RFC 9110 §10.2.3). Per node: a
 * client behind a balancer gets each node's budget, which still bounds it.
 */
export interface RateLimitPolicy {
  /** Requests a client may make at once. */
  burst: number;
  /** Requests per second refilled. */
  perSecond: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitPolicy = { burst: 120, perSecond: 20 };

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly policy: RateLimitPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  /** 0 when the request may go, else the seconds to wait (at least 1). */
  take(key: string): number {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.policy.burst, at: t };
    b.tokens = Math.min(this.policy.burst, b.tokens + ((t - b.at) / 1000) * this.policy.perSecond);
    b.at = t;
    this.buckets.set(key, b);
    if (this.buckets.size > 100_000) this.sweep(t);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.policy.perSecond));
  }

  /** Forgets full buckets (a client idle long enough to refill). */
  private sweep(t: number): void {
    for (const [k, b] of this.buckets)
      if (b.tokens + ((t - b.at) / 1000) * this.policy.perSecond >= this.policy.burst) this.buckets.delete(k);
  }
}
