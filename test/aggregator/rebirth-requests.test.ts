import { describe, expect, it } from "vitest";
import { RebirthRequests } from "../../src/aggregator/rebirth-requests.js";

describe("RebirthRequests backoff", () => {
  it("defect 7: doubles the delay per attempt, caps it, and jitters it between 50 and 100 %", () => {
    const high = new RebirthRequests(
      () => undefined,
      { initialDelayMs: 1000, maxDelayMs: 8000 },
      () => 0.999999,
    );
    expect([0, 1, 2, 3, 4, 40].map((n) => high.delayMs(n))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    const low = new RebirthRequests(
      () => undefined,
      { initialDelayMs: 1000, maxDelayMs: 8000 },
      () => 0,
    );
    expect([0, 3, 9].map((n) => low.delayMs(n))).toEqual([500, 4000, 4000]);
  });

  it("sends once per episode until settled", () => {
    const sent: string[] = [];
    const requests = new RebirthRequests((_h, agentId) => sent.push(agentId));
    try {
      expect(requests.request("h", "a1")).toBe(true);
      expect(requests.request("h", "a1")).toBe(false);
      requests.settle("a1");
      expect(requests.request("h", "a1")).toBe(true);
      expect(sent).toEqual(["a1", "a1"]);
    } finally {
      requests.stopAll();
    }
  });
});
