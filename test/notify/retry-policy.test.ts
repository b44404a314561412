import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY, nextRetryDelayMs } from "../../src/notify/retry-policy.js";

describe("retry policy", () => {
  it("doubles from 1 s with jitter, caps the wait and gives up after the last attempt", () => {
    const max = (n: number) => nextRetryDelayMs(DEFAULT_RETRY, n, () => 1);
    const min = (n: number) => nextRetryDelayMs(DEFAULT_RETRY, n, () => 0);
    expect([1, 2, 3, 4].map(max)).toEqual([1000, 2000, 4000, 8000]);
    expect([1, 2, 3, 4].map(min)).toEqual([500, 1000, 2000, 4000]);
    expect(max(5)).toBeNull();
    const capped = { maxAttempts: 20, initialDelayMs: 1000, maxDelayMs: 5000 };
    expect(nextRetryDelayMs(capped, 12, () => 1)).toBe(5000);
  });
});
