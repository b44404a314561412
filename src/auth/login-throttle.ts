export interface ThrottlePolicy {
  /** Wrong passwords a (user, client) pair may make before each further one costs a wait. */
  freeFailures: number;
  /** The first wait; each further failure doubles it. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A pair with no failure for this long starts afresh. */
  forgetAfterMs: number;
  /** Pairs kept at most (memory bound under a spray of user names or addresses). */
  maxPairs: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = {
  freeFailures: 3,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 24 * 3_600_000,
  maxPairs: 100_000,
};

interface PairState {
  failures: number;
  lastFailureMs: number;
  blockedUntilMs: number;
}

/**
 * Slows password guessing per (user name, client) pair with an exponential wait: after `freeFailures` wrong
 * passwords, each further one makes the pair wait 1 s, 2 s, 4 s … up to `maxDelayMs`. The client is the
 * browser's signed known-device cookie when it has one for that user, otherwise its address; so an attacker
 * slows only themselves: the owner from another address or from a known device signs in at once, and other
 * users behind the same address are untouched. Kept in memory: a restart forgets.
 */
export class LoginThrottle {
  private readonly pairs = new Map<string, PairState>();

  constructor(private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE) {}

  static pairKey(username: string, client: string): string {
    return `${username.toLowerCase()}\n${client}`;
  }

  /** Milliseconds until this pair may try again, 0 when it may try now. */
  retryAfterMs(pair: string, nowMs: number): number {
    const state = this.pairs.get(pair);
    return state ? Math.max(0, state.blockedUntilMs - nowMs) : 0;
  }

  /** Counts a wrong password; returns the wait it imposes (0 while failures are free). */
  fail(pair: string, nowMs: number): number {
    let state = this.pairs.get(pair);
    if (!state || nowMs - state.lastFailureMs >= this.policy.forgetAfterMs) {
      state = { failures: 0, lastFailureMs: nowMs, blockedUntilMs: 0 };
    }
    this.pairs.delete(pair); // re-inserted last: the map stays in order of last failure
    state.failures += 1;
    state.lastFailureMs = nowMs;
    const over = state.failures - this.policy.freeFailures;
    const delayMs =
      over > 0 ? Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** Math.min(over - 1, 30)) : 0;
    state.blockedUntilMs = nowMs + delayMs;
    this.pairs.set(pair, state);
    this.prune(nowMs);
    return delayMs;
  }

  succeed(pair: string): void {
    this.pairs.delete(pair);
  }

  get size(): number {
    return this.pairs.size;
  }

  private prune(nowMs: number): void {
    if (this.pairs.size <= this.policy.maxPairs) return;
    for (const [key, state] of this.pairs) {
      if (this.pairs.size <= this.policy.maxPairs * 0.9) break;
      // Oldest failures first; a pair still waiting is kept unless memory is truly exhausted.
      if (state.blockedUntilMs <= nowMs || this.pairs.size > this.policy.maxPairs) this.pairs.delete(key);
    }
  }
}
