/** A token bucket: `ratePerSec` sustained, at most `burst` at once. Time is passed in, in milliseconds. */
export class TokenBucket {
  private tokens: number;
  private lastMs: number;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    nowMs: number,
  ) {
    this.tokens = burst;
    this.lastMs = nowMs;
  }

  /** Takes a token and returns 0, or takes nothing and returns how many ms until one is available. */
  tryTake(nowMs: number): number {
    this.refill(nowMs);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - this.tokens) / this.ratePerSec) * 1000));
  }

  private refill(nowMs: number): void {
    const elapsedMs = Math.max(0, nowMs - this.lastMs);
    this.tokens = Math.min(this.burst, this.tokens + (elapsedMs / 1000) * this.ratePerSec);
    this.lastMs = nowMs;
  }
}
