import { CronExpressionParser } from "cron-parser";
import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { recurrenceIntervals, recurrenceSchema } from "../../../src/core/calendar/recurrence.js";
import { type Interval, normalize } from "../../../src/core/uptime/intervals.js";

const MIN = 60_000;
const local = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toMillis();

/** Every occurrence, one step at a time: the slow reference the jumping implementation must agree with. */
function naiveCron(expression: string, durationMin: number, zone: string, fromMs: number, toMs: number) {
  const lengthMs = durationMin * MIN;
  const it = CronExpressionParser.parse(expression, { currentDate: new Date(fromMs - lengthMs), tz: zone });
  const out: Interval[] = [];
  for (;;) {
    const s = it.next().getTime();
    if (s >= toMs) break;
    out.push([Math.max(fromMs, s), Math.min(toMs, s + lengthMs)]);
  }
  return normalize(out);
}

describe("recurrences", () => {
  it("agrees with stepping through every cron occurrence (property)", () => {
    const fromBase = local("2026-03-28T00:00", "Europe/Berlin");
    fc.assert(
      fc.property(
        fc.constantFrom(
          "*/7 * * * *",
          "0,20 * * * *",
          "15 */2 * * *",
          "30 2 * * *",
          "0 9 * * 1-5",
          "*/3 1-3 * * *",
        ),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 0, max: 2 * 86_400_000 }),
        fc.integer({ min: 1, max: 86_400_000 }),
        (expression, durationMin, offsetMs, spanMs) => {
          const fromMs = fromBase + offsetMs;
          const toMs = fromMs + spanMs;
          const r = recurrenceSchema.parse({ type: "cron", expression, durationMin });
          expect(recurrenceIntervals(r, "Europe/Berlin", fromMs, toMs)).toEqual(
            naiveCron(expression, durationMin, "Europe/Berlin", fromMs, toMs),
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it("covers a month with an every-minute cron (no cap on occurrences: the old one cut off at 10,000)", () => {
    const r = recurrenceSchema.parse({ type: "cron", expression: "* * * * *", durationMin: 60 });
    const fromMs = local("2026-11-01T00:00", "Asia/Shanghai");
    const toMs = local("2026-12-01T00:00", "Asia/Shanghai");
    expect(recurrenceIntervals(r, "Asia/Shanghai", fromMs, toMs)).toEqual([[fromMs, toMs]]);
  });

  it("refuses cron expressions with a seconds field and accepts aliases", () => {
    expect(
      recurrenceSchema.safeParse({ type: "cron", expression: "*/5 * * * * *", durationMin: 1 }).success,
    ).toBe(false);
    expect(recurrenceSchema.safeParse({ type: "cron", expression: "@daily", durationMin: 30 }).success).toBe(
      true,
    );
  });

  it("measures durations in elapsed time across a spring-forward night (Europe/Berlin)", () => {
    const zone = "Europe/Berlin";
    const r = recurrenceSchema.parse({ type: "daily", start: "01:30", durationMin: 60 });
    const [night] = recurrenceIntervals(
      r,
      zone,
      local("2026-03-29T00:00", zone),
      local("2026-03-30T00:00", zone),
    );
    // 01:30 CET + 60 min = 03:30 CEST: the clock skipped 02:00–03:00.
    expect(night).toEqual([local("2026-03-29T01:30", zone), local("2026-03-29T03:30", zone)]);
    expect(night && night[1] - night[0]).toBe(60 * MIN);
  });

  it("starts a window whose local start is skipped by the change an hour later (02:30 → 03:30)", () => {
    const zone = "Europe/Berlin";
    const r = recurrenceSchema.parse({ type: "daily", start: "02:30", durationMin: 30 });
    expect(
      recurrenceIntervals(r, zone, local("2026-03-29T00:00", zone), local("2026-03-30T00:00", zone)),
    ).toEqual([[local("2026-03-29T03:30", zone), local("2026-03-29T04:00", zone)]]);
  });

  it("skips months without the day for a monthly window on the 31st", () => {
    const r = recurrenceSchema.parse({ type: "monthly", dayOfMonth: 31, start: "06:00", durationMin: 60 });
    const zone = "Asia/Shanghai";
    const starts = recurrenceIntervals(
      r,
      zone,
      local("2026-01-01T00:00", zone),
      local("2026-07-01T00:00", zone),
    ).map(([s]) => DateTime.fromMillis(s, { zone }).toISODate());
    expect(starts).toEqual(["2026-01-31", "2026-03-31", "2026-05-31"]);
  });

  it("returns nothing for an empty range and clips a one-off window", () => {
    const once = recurrenceSchema.parse({ type: "once", startMs: 1_000, endMs: 5_000 });
    expect(recurrenceIntervals(once, "Asia/Shanghai", 3_000, 3_000)).toEqual([]);
    expect(recurrenceIntervals(once, "Asia/Shanghai", 2_000, 10_000)).toEqual([[2_000, 5_000]]);
    expect(recurrenceIntervals(once, "Asia/Shanghai", 5_000, 10_000)).toEqual([]);
  });
});
