import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { openingHoursSchema } from "../../../src/core/calendar/opening-hours.js";
import { watchedIntervals } from "../../../src/core/calendar/watch-policy.js";
import { availability, type StateSpan } from "../../../src/core/uptime/availability.js";
import {
  type DeviceUptimeInput,
  rollUp,
  rollUpByBucket,
  sumFigures,
} from "../../../src/core/uptime/rollup.js";

const HOUR = 3_600_000;
const zone = "Europe/Berlin";
const allDay = [{ open: "00:00", close: "24:00" }];
const nineToSix = [{ open: "09:00", close: "18:00" }];
// Open round the clock at weekends, so the 23- and 25-hour Sundays are fully watched for every kind.
const hours = openingHoursSchema.parse({
  timeZone: zone,
  weekly: {
    mon: nineToSix,
    tue: nineToSix,
    wed: nineToSix,
    thu: nineToSix,
    fri: nineToSix,
    sat: allDay,
    sun: allDay,
  },
  exceptions: [{ date: "2026-10-05", closed: true, note: "a holiday" }],
});
// September to November 2026 in Berlin: includes the autumn change; March–April covers the spring one.
const ranges = [
  [DateTime.fromISO("2026-09-28", { zone }).toMillis(), DateTime.fromISO("2026-11-02", { zone }).toMillis()],
  [DateTime.fromISO("2026-03-23", { zone }).toMillis(), DateTime.fromISO("2026-04-06", { zone }).toMillis()],
] as const;

const historyArb = (fromMs: number, toMs: number) =>
  fc
    .array(
      fc.tuple(fc.constantFrom("online", "offline", "unknown"), fc.integer({ min: 1, max: 40 * HOUR })),
      {
        minLength: 1,
        maxLength: 30,
      },
    )
    .map((steps) => {
      let t = fromMs - HOUR;
      const spans: StateSpan[] = [];
      for (const [connectivity, len] of steps) {
        if (t >= toMs) break;
        spans.push({ connectivity: connectivity as StateSpan["connectivity"], startMs: t, endMs: t + len });
        t += len;
      }
      const last = spans[spans.length - 1];
      if (last) last.endMs = null; // the current interval
      return spans;
    });

const deviceArb = (fromMs: number, toMs: number) =>
  fc
    .record({
      n: fc.nat(999),
      kind: fc.constantFrom("kiosk" as const, "tv" as const, "extinguisher" as const),
      history: historyArb(fromMs, toMs),
      maintenance: fc.array(
        fc.tuple(fc.integer({ min: 0, max: toMs - fromMs }), fc.integer({ min: 1, max: 6 * HOUR })),
        { maxLength: 5 },
      ),
      faults: fc.array(
        fc.tuple(
          fc.integer({ min: 0, max: toMs - fromMs }),
          fc.option(fc.integer({ min: 1, max: 8 * HOUR })),
        ),
        { maxLength: 5 },
      ),
    })
    .map(
      (d): DeviceUptimeInput => ({
        hallId: "be-01",
        deviceId: `${d.kind}-${d.n}`,
        kind: d.kind,
        history: d.history,
        watched: watchedIntervals(d.kind, hours, fromMs, toMs),
        maintenance: d.maintenance.map(([s, len]) => [fromMs + s, fromMs + s + len] as const),
        faults: d.faults.map(([s, len]) => ({
          openedMs: fromMs + s,
          resolvedMs: len == null ? null : fromMs + s + len,
        })),
      }),
    );

const scenarioArb = fc.constantFrom(...ranges).chain(([fromMs, toMs]) =>
  fc.record({
    fromMs: fc.constant(fromMs),
    toMs: fc.constant(toMs),
    nowMs: fc.integer({ min: fromMs, max: toMs + 24 * HOUR }),
    devices: fc.array(deviceArb(fromMs, toMs), { minLength: 1, maxLength: 4 }),
  }),
);

describe("roll-ups in a hall with daylight saving (Europe/Berlin)", () => {
  it("day, week and month buckets sum to the figures of the whole range (property)", () => {
    fc.assert(
      fc.property(
        scenarioArb,
        fc.constantFrom("day" as const, "week" as const, "month" as const),
        (s, unit) => {
          const whole = rollUp(s.devices, s.fromMs, s.toMs, s.nowMs);
          const buckets = rollUpByBucket(s.devices, zone, unit, s.fromMs, s.toMs, s.nowMs);
          expect(sumFigures(buckets.map((b) => b.total))).toEqual(whole.total);
          for (const b of buckets) {
            if (b.total.ratio !== null) {
              expect(b.total.ratio).toBeGreaterThanOrEqual(0);
              expect(b.total.ratio).toBeLessThanOrEqual(1);
            }
            expect(b.total.upMs + b.total.downMs + b.total.unknownMs).toBe(b.total.expectedMs);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("kind and hall figures are the sums of their devices", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const r = rollUp(s.devices, s.fromMs, s.toMs, s.nowMs);
        expect(r.byHall["be-01"]).toEqual(r.total);
        expect(sumFigures(Object.values(r.byKind))).toEqual(r.total);
        for (const [kind, figures] of Object.entries(r.byKind))
          expect(figures).toEqual(sumFigures(r.devices.filter((d) => d.kind === kind)));
      }),
      { numRuns: 30 },
    );
  });

  it("an extinguisher online all along is expected 23 hours on 2026-03-29 and 25 on 2026-10-25", () => {
    const days = (from: string, to: string) => {
      const fromMs = DateTime.fromISO(from, { zone }).toMillis();
      const toMs = DateTime.fromISO(to, { zone }).toMillis();
      const ext: DeviceUptimeInput = {
        hallId: "be-01",
        deviceId: "ext-1",
        kind: "extinguisher",
        history: [{ connectivity: "online", startMs: fromMs - HOUR, endMs: null }],
        watched: watchedIntervals("extinguisher", hours, fromMs, toMs),
        maintenance: [],
        faults: [],
      };
      return rollUpByBucket([ext], zone, "day", fromMs, toMs, toMs).map((b) => [
        b.label,
        b.total.upMs / HOUR,
      ]);
    };
    expect(days("2026-03-28", "2026-03-31")).toEqual([
      ["2026-03-28", 24],
      ["2026-03-29", 23],
      ["2026-03-30", 24],
    ]);
    expect(days("2026-10-24", "2026-10-27")).toEqual([
      ["2026-10-24", 24],
      ["2026-10-25", 25],
      ["2026-10-26", 24],
    ]);
  });

  it("a kiosk is expected nothing on the holiday exception and nothing is down then", () => {
    const fromMs = DateTime.fromISO("2026-10-05", { zone }).toMillis();
    const toMs = DateTime.fromISO("2026-10-06", { zone }).toMillis();
    const offline: StateSpan[] = [{ connectivity: "offline", startMs: fromMs - HOUR, endMs: null }];
    expect(
      availability(offline, watchedIntervals("kiosk", hours, fromMs, toMs), [], fromMs, toMs, toMs),
    ).toEqual({
      expectedMs: 0,
      upMs: 0,
      downMs: 0,
      unknownMs: 0,
      maintenanceMs: 0,
      ratio: null,
    });
  });
});

describe("availability with overlapping spans (bad data)", () => {
  it("never reports up + unknown above expected: online wins where spans overlap", () => {
    const r = availability(
      [
        { connectivity: "online", startMs: 0, endMs: 100 },
        { connectivity: "unknown", startMs: 50, endMs: 150 },
      ],
      [[0, 200]],
      [],
      0,
      200,
      200,
    );
    expect(r).toMatchObject({ expectedMs: 200, upMs: 100, unknownMs: 50, downMs: 50, ratio: 100 / 150 });
  });
});
