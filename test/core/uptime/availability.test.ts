import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { openIntervals, openingHoursSchema } from "../../../src/core/calendar/opening-hours.js";
import { availability, type StateSpan, sumAvailability } from "../../../src/core/uptime/availability.js";
import { intersect, normalize, subtract, totalMs } from "../../../src/core/uptime/intervals.js";
import { reliability } from "../../../src/core/uptime/reliability.js";

const MIN = 60_000;
const at = (hhmm: string) => DateTime.fromISO(`2026-11-23T${hhmm}`, { zone: "Asia/Shanghai" }).toMillis();

describe("the worked example of docs/uptime.md", () => {
  it("reproduces the hand-computed figures exactly", () => {
    const nineToSix = [{ open: "09:00", close: "18:00" }];
    const hours = openingHoursSchema.parse({ timeZone: "Asia/Shanghai", weekly: { mon: nineToSix } });
    const dayStart = at("00:00");
    const dayEnd = at("00:00") + 24 * 60 * MIN;
    const history: StateSpan[] = [
      { connectivity: "online", startMs: at("08:00"), endMs: at("10:00") },
      { connectivity: "offline", startMs: at("10:00"), endMs: at("10:45") },
      { connectivity: "online", startMs: at("10:45"), endMs: at("20:00") },
      { connectivity: "offline", startMs: at("20:00"), endMs: at("22:00") },
      { connectivity: "online", startMs: at("22:00"), endMs: null },
    ];
    const result = availability(
      history,
      openIntervals(hours, dayStart, dayEnd),
      [[at("12:00"), at("12:30")]],
      dayStart,
      dayEnd,
      dayEnd,
    );
    expect(result).toEqual({
      expectedMs: 510 * MIN,
      upMs: 465 * MIN,
      downMs: 45 * MIN,
      unknownMs: 0,
      maintenanceMs: 30 * MIN,
      ratio: 465 / 510,
    });
    expect(
      reliability(
        [
          { openedMs: at("10:01"), resolvedMs: at("10:46") },
          { openedMs: at("20:01"), resolvedMs: at("22:01") },
        ],
        at("00:00"),
        at("24:00"),
        result.upMs,
      ),
    ).toMatchObject({
      failures: 2,
      mtbfMs: 232.5 * MIN,
      mttrMs: 82.5 * MIN,
    });
  });
});

const intervalArb = fc.array(
  fc
    .tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 1, max: 500 }))
    .map(([a, len]) => [a, a + len] as const),
  { maxLength: 12 },
);
const historyArb = fc
  .array(fc.tuple(fc.constantFrom("online", "offline", "unknown"), fc.integer({ min: 1, max: 800 })), {
    minLength: 1,
    maxLength: 20,
  })
  .map((steps) => {
    let t = 0;
    return steps.map(([connectivity, len]) => {
      const span: StateSpan = {
        connectivity: connectivity as StateSpan["connectivity"],
        startMs: t,
        endMs: t + len,
      };
      t += len;
      return span;
    });
  });

describe("availability properties", () => {
  it("stays within [0, 1], and up + down + unknown = expected", () => {
    fc.assert(
      fc.property(historyArb, intervalArb, intervalArb, (history, expected, maintenance) => {
        const r = availability(history, expected, maintenance, 0, 12_000, 12_000);
        if (r.ratio !== null) {
          expect(r.ratio).toBeGreaterThanOrEqual(0);
          expect(r.ratio).toBeLessThanOrEqual(1);
        }
        expect(r.upMs + r.downMs + r.unknownMs).toBe(r.expectedMs);
        expect(r.downMs).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it("never counts maintenance as down: adding maintenance never increases down time", () => {
    fc.assert(
      fc.property(historyArb, intervalArb, intervalArb, (history, expected, maintenance) => {
        const without = availability(history, expected, [], 0, 12_000, 12_000);
        const with_ = availability(history, expected, maintenance, 0, 12_000, 12_000);
        expect(with_.downMs).toBeLessThanOrEqual(without.downMs);
        expect(with_.expectedMs + with_.maintenanceMs).toBe(without.expectedMs);
      }),
    );
  });

  it("splitting the range anywhere and summing gives the same figures", () => {
    fc.assert(
      fc.property(
        historyArb,
        intervalArb,
        intervalArb,
        fc.integer({ min: 0, max: 12_000 }),
        (history, expected, maintenance, cut) => {
          const whole = availability(history, expected, maintenance, 0, 12_000, 12_000);
          const parts = sumAvailability([
            availability(history, expected, maintenance, 0, cut, 12_000),
            availability(history, expected, maintenance, cut, 12_000, 12_000),
          ]);
          expect(parts).toEqual(whole);
        },
      ),
    );
  });

  it("interval operations agree with a brute-force count", () => {
    fc.assert(
      fc.property(intervalArb, intervalArb, (xs, ys) => {
        const inAny = (list: readonly (readonly [number, number])[], t: number) =>
          list.some(([a, b]) => t >= a && t < b);
        let both = 0;
        let onlyX = 0;
        for (let t = 0; t < 10_600; t += 1) {
          if (inAny(xs, t) && inAny(ys, t)) both += 1;
          if (inAny(xs, t) && !inAny(ys, t)) onlyX += 1;
        }
        expect(totalMs(intersect(xs, ys))).toBe(both);
        expect(totalMs(subtract(xs, ys))).toBe(onlyX);
        expect(totalMs(normalize([...xs, ...ys]))).toBe(totalMs(xs) + totalMs(ys) - both);
      }),
      { numRuns: 60 },
    );
  });
});
