export interface ThrottlePolicy {
  /** Failures allowed within the window before the key is locked. */
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 5 * 60_000 };

/**
 * Slows password guessing: after `maxFailures` wrong passwords for one username (or from one address)
 * within the window, further attempts are refused until the lock ends. Kept in memory: a restart forgets.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly lockedUntil = new Map<string, number>();

  constructor(private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE) {}

  /** Milliseconds until these keys may try again, 0 when they may try now. */
  retryAfterMs(keys: readonly string[], nowMs: number): number {
    let wait = 0;
    for (const key of keys) wait = Math.max(wait, (this.lockedUntil.get(key) ?? 0) - nowMs);
    return Math.max(0, wait);
  }

  fail(keys: readonly string[], nowMs: number): void {
    for (const key of keys) {
      const recent = (this.failures.get(key) ?? []).filter((t) => nowMs - t < this.policy.windowMs);
      recent.push(nowMs);
      this.failures.set(key, recent);
      if (recent.length >= this.policy.maxFailures) this.lockedUntil.set(key, nowMs + this.policy.lockMs);
    }
    if (this.failures.size > 100_000) this.failures.clear(); // bounded memory under a spray of usernames
  }

  succeed(keys: readonly string[]): void {
    for (const key of keys) {
      this.failures.delete(key);
      this.lockedUntil.delete(key);
    }
  }
}
