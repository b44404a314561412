/** A token bucket per client: `ratePerSec` sustained, `burst` at most at once. */
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

  /** Takes one token; returns 0 when allowed, else how many ms until a token is available. */
  take(nowMs: number): number {
    this.tokens = Math.min(this.burst, this.tokens + ((nowMs - this.lastMs) / 1000) * this.ratePerSec);
    this.lastMs = nowMs;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    this.tokens -= 1; // the publish already arrived; it is owed and repaid before the client is read again
    return Math.ceil(((1 - this.tokens) / this.ratePerSec) * 1000);
  }
}
