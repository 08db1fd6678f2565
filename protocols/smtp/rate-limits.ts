/**
 * Per-IP limits in front of every SMTP listener (this node): concurrent connections, and a token
 * bucket for transaction commands (AUTH, MAIL, RCPT, DATA). A client over either limit gets 421
 * 4.7.0 and is disconnected (RFC 5321 §4.2.2 allows 421 at any time). Counting is in memory:
 * behind a load balancer each node applies its share.
 */
export interface IpLimits {
  /** Concurrent connections one address may hold. */
  maxConnectionsPerIp: number;
  /** Commands one address may send per minute (bucket refill rate), and the burst allowed. */
  commandsPerMinute: number;
  commandBurst: number;
}

export class IpLimiter {
  private readonly open = new Map<string, number>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly limits: IpLimits, private readonly now: () => number = Date.now) {}

  /** Takes a connection slot; false when the address already holds the maximum. */
  connect(ip: string): boolean {
    const n = this.open.get(ip) ?? 0;
    if (n >= this.limits.maxConnectionsPerIp) return false;
    this.open.set(ip, n + 1);
    return true;
  }

  disconnect(ip: string): void {
    const n = (this.open.get(ip) ?? 1) - 1;
    if (n <= 0) this.open.delete(ip);
    else this.open.set(ip, n);
  }

  /** Spends one command token; false when the bucket is empty. */
  command(ip: string): boolean {
    const t = this.now();
    const rate = this.limits.commandsPerMinute / 60_000;
    const b = this.buckets.get(ip) ?? { tokens: this.limits.commandBurst, at: t };
    b.tokens = Math.min(this.limits.commandBurst, b.tokens + (t - b.at) * rate);
    b.at = t;
    this.buckets.set(ip, b);
    if (this.buckets.size > 100_000) this.sweep(t);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Forgets full buckets, so that memory stays bounded under many addresses. */
  private sweep(t: number): void {
    const rate = this.limits.commandsPerMinute / 60_000;
    for (const [ip, b] of this.buckets) if (b.tokens + (t - b.at) * rate >= this.limits.commandBurst) this.buckets.delete(ip);
  }
}
