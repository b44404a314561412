import { describe, expect, it } from "vitest";
import { AddressBackoff, FairLimiter, QueueFullError } from "../../broker/auth-throttle.js";

const options = {
  freeFailures: 3,
  baseBlockMs: 1000,
  maxBlockMs: 8000,
  forgetAfterMs: 60_000,
  maxAddresses: 100,
};

describe("per-address backoff of failed passwords", () => {
  it("defect 18: blocks an address exponentially after its free failures, up to the maximum", () => {
    const backoff = new AddressBackoff(options);
    let now = 0;
    const blocks: number[] = [];
    for (let i = 0; i < 8; i++) {
      backoff.recordFailure("10.0.0.1", now);
      blocks.push(backoff.blockedForMs("10.0.0.1", now));
      now += backoff.blockedForMs("10.0.0.1", now);
    }
    expect(blocks).toEqual([0, 0, 0, 1000, 2000, 4000, 8000, 8000]);
    expect(backoff.blockedForMs("10.0.0.2", now)).toBe(0);
  });

  it("defect 18: forgets an address after a quiet spell, and never remembers more than its maximum", () => {
    const backoff = new AddressBackoff(options);
    for (let i = 0; i < 5; i++) backoff.recordFailure("10.0.0.1", 0);
    expect(backoff.blockedForMs("10.0.0.1", 100)).toBeGreaterThan(0);
    expect(backoff.blockedForMs("10.0.0.1", 60_001)).toBe(0);
    for (let i = 0; i < 10_000; i++) backoff.recordFailure(`10.1.${i >> 8}.${i & 255}`, 1);
    expect(backoff.size).toBe(100);
  });
});

describe("fair limiter of password checks", () => {
  it("defect 18: takes waiting checks round-robin by address, and refuses an address with too many waiting", async () => {
    const limiter = new FairLimiter(1, 3);
    const order: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = limiter.run("attacker", () => gate);
    const tasks = [
      ...[1, 2, 3].map((i) => limiter.run("attacker", async () => void order.push(`attacker-${i}`))),
      limiter.run("agent", async () => void order.push("agent")),
    ];
    await expect(limiter.run("attacker", async () => undefined)).rejects.toBeInstanceOf(QueueFullError);
    release();
    await Promise.all([first, ...tasks]);
    expect(order).toEqual(["attacker-1", "agent", "attacker-2", "attacker-3"]);
  });
});
