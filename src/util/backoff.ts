export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor?: number;
  /** 0..1: share of each delay drawn at random ("full jitter" at 1). */
  jitter?: number;
  random?: () => number;
}

/** Capped exponential backoff with jitter, so a hall's agents do not reconnect in lockstep after an outage. */
export class Backoff {
  private attempt = 0;

  constructor(private readonly options: BackoffOptions) {}

  nextDelayMs(): number {
    const { initialMs, maxMs, factor = 2, jitter = 0.5, random = Math.random } = this.options;
    const capped = Math.min(maxMs, initialMs * factor ** this.attempt);
    this.attempt += 1;
    return Math.round(capped * (1 - jitter) + capped * jitter * random());
  }

  reset(): void {
    this.attempt = 0;
  }
}
