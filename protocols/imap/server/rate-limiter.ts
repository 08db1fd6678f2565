// A token bucket per connection: a client over its command rate is slowed down (its next command
// waits for a token), not refused, so a well-behaved burst never sees an error.
export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(private readonly perSecond: number, private readonly burst: number, private readonly now: () => number) {
    this.tokens = burst;
    this.last = now();
  }

  async take(): Promise<void> {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return;
    }
    const waitMs = ((1 - this.tokens) / this.perSecond) * 1000;
    this.tokens = 0;
    this.last = t + waitMs;
    await new Promise((r) => setTimeout(r, waitMs));
  }
}
