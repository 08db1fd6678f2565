/**
 * The per-account limit (issue 8.5): guesses at one login from many addresses each stay under the
 * per-(login, source) lockout, so past a number of failures from all sources together every
 * further password check of that login is SLOWED, not refused: a delay growing from 1 s to 10 s,
 * with a bounded number of attempts allowed to wait at once per login on this node; the rest are
 * answered "throttled" at once (503 / 454 / NO [UNAVAILABLE]) without a hash being computed.
 * Large providers slow rather than lock so that an attacker cannot lock the owner out.
 */

export interface ThrottlePolicy {
  /** Failures of one login from every source inside the lockout window before slowing starts. */
  slowAfter: number;
  /** The first delay; it grows by this much for every `slowAfter / 2` further failures. */
  stepMs: number;
  /** The longest delay. */
  maxDelayMs: number;
  /** Attempts of one login allowed to wait at once on one node; more are throttled. */
  maxWaiting: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = { slowAfter: 20, stepMs: 1000, maxDelayMs: 10_000, maxWaiting: 4 };

export class AccountThrottle {
  private readonly waiting = new Map<string, number>();

  constructor(private readonly policy: ThrottlePolicy) {}

  /** The delay before checking a password of a login with `failures` recent failures (0: none). */
  delayMs(failures: number): number {
    const { slowAfter, stepMs, maxDelayMs } = this.policy;
    if (failures < slowAfter) return 0;
    const steps = 1 + Math.floor((failures - slowAfter) / Math.max(1, Math.floor(slowAfter / 2)));
    return Math.min(maxDelayMs, steps * stepMs);
  }

  /** Takes a waiting place for the login; false when all are taken (answer throttled). */
  enter(login: string): boolean {
    const n = this.waiting.get(login) ?? 0;
    if (n >= this.policy.maxWaiting) return false;
    this.waiting.set(login, n + 1);
    return true;
  }

  leave(login: string): void {
    const n = (this.waiting.get(login) ?? 1) - 1;
    if (n <= 0) this.waiting.delete(login);
    else this.waiting.set(login, n);
  }
}
