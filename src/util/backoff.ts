export interface BackoffOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  factor?: number;
  /** 0..1: the share of each delay drawn at random (1 = "full jitter"). */
  jitter?: number;
  /** Injectable for tests; defaults to Math.random. */
  random?: () => number;
}

/**
 * Capped exponential backoff with jitter: attempt n waits between (1 - jitter) and 1 times
 * min(maxDelayMs, initialDelayMs * factor^n), so a hall's agents do not reconnect in lockstep after an outage.
 */
export class Backoff {
  private attempt = 0;

  constructor(private readonly options: BackoffOptions) {}

  nextDelayMs(): number {
    const { initialDelayMs, maxDelayMs, factor = 2, jitter = 0.5, random = Math.random } = this.options;
    const cappedMs = Math.min(maxDelayMs, initialDelayMs * factor ** this.attempt);
    // Stop growing the exponent once capped, so it can never overflow to Infinity.
    if (cappedMs < maxDelayMs) this.attempt += 1;
    return Math.max(1, Math.round(cappedMs * (1 - jitter) + cappedMs * jitter * random()));
  }

  reset(): void {
    this.attempt = 0;
  }
}
