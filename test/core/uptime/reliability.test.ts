import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { failurePeriods, reliability, sumReliability } from "../../../src/core/uptime/reliability.js";

describe("reliability", () => {
  it("merges overlapping and touching faults into one failure; an unresolved one swallows what follows", () => {
    expect(
      failurePeriods([
        { openedMs: 50, resolvedMs: 60 },
        { openedMs: 0, resolvedMs: 10 },
        { openedMs: 10, resolvedMs: 20 },
        { openedMs: 5, resolvedMs: 8 },
        { openedMs: 100, resolvedMs: null },
        { openedMs: 120, resolvedMs: 130 },
      ]),
    ).toEqual([
      { openedMs: 0, resolvedMs: 20 },
      { openedMs: 50, resolvedMs: 60 },
      { openedMs: 100, resolvedMs: null },
    ]);
  });

  it("counts failures that began in the range, MTTR over the resolved ones only", () => {
    const faults = [
      { openedMs: -50, resolvedMs: 30 }, // began before the range: not this range's failure
      { openedMs: 20, resolvedMs: 40 }, // overlaps the one before: part of it
      { openedMs: 100, resolvedMs: 400 }, // resolved after the range: full repair time counts
      { openedMs: 500, resolvedMs: null },
    ];
    expect(reliability(faults, 0, 1_000, 900)).toEqual({
      failures: 2,
      resolvedFailures: 1,
      repairMs: 300,
      mtbfMs: 450,
      mttrMs: 300,
    });
    expect(reliability([], 0, 1_000, 900)).toEqual({
      failures: 0,
      resolvedFailures: 0,
      repairMs: 0,
      mtbfMs: null,
      mttrMs: null,
    });
  });

  it("splitting the range anywhere splits the failures without loss or double count (property)", () => {
    const faultArb = fc.array(
      fc.record({
        openedMs: fc.integer({ min: 0, max: 10_000 }),
        resolvedMs: fc.option(fc.integer({ min: 0, max: 2_000 }), { nil: null }),
      }),
      { maxLength: 15 },
    );
    fc.assert(
      fc.property(faultArb, fc.integer({ min: 0, max: 10_000 }), (raw, cut) => {
        const faults = raw.map((f) => ({
          openedMs: f.openedMs,
          resolvedMs: f.resolvedMs === null ? null : f.openedMs + f.resolvedMs,
        }));
        const whole = reliability(faults, 0, 10_001, 5_000);
        const parts = sumReliability(
          [reliability(faults, 0, cut, 2_000), reliability(faults, cut, 10_001, 3_000)],
          5_000,
        );
        expect(parts).toEqual(whole);
      }),
    );
  });
});
