export interface RetryPolicy {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

/** 5 attempts: waits of about 1 s, 2 s, 4 s, 8 s between them. */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, initialDelayMs: 1000, maxDelayMs: 60_000 };

/**
 * The wait before the next attempt after `attemptsMade` failures, or null when it is time to give up.
 * Capped exponential backoff with "equal jitter" (half fixed, half random) so many halls failing together
 * do not retry in lockstep. `random` is injectable for tests.
 */
export function nextRetryDelayMs(
  policy: RetryPolicy,
  attemptsMade: number,
  random: () => number = Math.random,
): number | null {
  if (attemptsMade >= policy.maxAttempts) return null;
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(base / 2 + (base / 2) * random());
}
