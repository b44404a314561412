import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { calendarBuckets } from "../../../src/core/uptime/buckets.js";

const HOUR = 3_600_000;

describe("calendarBuckets", () => {
  it("cuts Shanghai days at local midnight (16:00 UTC), all 24 hours", () => {
    const fromMs = Date.parse("2026-11-22T16:00:00Z");
    const buckets = calendarBuckets("Asia/Shanghai", "day", fromMs, fromMs + 3 * 24 * HOUR);
    expect(buckets.map((b) => b.label)).toEqual(["2026-11-23", "2026-11-24", "2026-11-25"]);
    expect(buckets.every((b) => b.endMs - b.startMs === 24 * HOUR)).toBe(true);
  });

  it("gives Berlin days of 23 and 25 hours at the two DST changes of 2026", () => {
    const lengths = (from: string, to: string) =>
      Object.fromEntries(
        calendarBuckets(
          "Europe/Berlin",
          "day",
          DateTime.fromISO(from, { zone: "Europe/Berlin" }).toMillis(),
          DateTime.fromISO(to, { zone: "Europe/Berlin" }).toMillis(),
        ).map((b) => [b.label, (b.endMs - b.startMs) / HOUR]),
      );
    expect(lengths("2026-03-28", "2026-03-31")).toEqual({
      "2026-03-28": 24,
      "2026-03-29": 23,
      "2026-03-30": 24,
    });
    expect(lengths("2026-10-24", "2026-10-27")).toEqual({
      "2026-10-24": 24,
      "2026-10-25": 25,
      "2026-10-26": 24,
    });
  });

  it("starts weeks on Monday and labels them by ISO week; months by calendar month", () => {
    const z = "Asia/Shanghai";
    const from = DateTime.fromISO("2026-11-25T10:00", { zone: z }); // a Wednesday
    const weeks = calendarBuckets(z, "week", from.toMillis(), from.plus({ days: 10 }).toMillis());
    expect(weeks.map((w) => w.label)).toEqual(["2026-W48", "2026-W49"]);
    expect(weeks[0]?.startMs).toBe(from.toMillis()); // clipped to the range
    expect(DateTime.fromMillis(weeks[1]?.startMs ?? 0, { zone: z }).toISO()).toBe(
      "2026-11-30T00:00:00.000+08:00",
    );
    const months = calendarBuckets(z, "month", from.toMillis(), from.plus({ months: 2 }).toMillis());
    expect(months.map((m) => m.label)).toEqual(["2026-11", "2026-12", "2027-01"]);
    // The ISO week-year differs from the calendar year around New Year.
    const newYear = DateTime.fromISO("2026-12-31", { zone: z });
    expect(
      calendarBuckets(z, "week", newYear.toMillis(), newYear.plus({ days: 1 }).toMillis())[0]?.label,
    ).toBe("2026-W53");
  });

  it("partitions any range exactly, in any unit and zone (property)", () => {
    const base = Date.parse("2026-01-01T00:00:00Z");
    fc.assert(
      fc.property(
        fc.constantFrom("Asia/Shanghai", "Europe/Berlin"),
        fc.constantFrom("day" as const, "week" as const, "month" as const),
        fc.integer({ min: 0, max: 360 * 24 * HOUR }),
        fc.integer({ min: 1, max: 90 * 24 * HOUR }),
        (zone, unit, offset, span) => {
          const fromMs = base + offset;
          const toMs = fromMs + span;
          const buckets = calendarBuckets(zone, unit, fromMs, toMs);
          expect(buckets[0]?.startMs).toBe(fromMs);
          expect(buckets.at(-1)?.endMs).toBe(toMs);
          for (let i = 1; i < buckets.length; i++) expect(buckets[i]?.startMs).toBe(buckets[i - 1]?.endMs);
          // Every inner boundary is a local midnight (and a Monday for weeks, a 1st for months).
          for (const b of buckets.slice(1)) {
            const start = DateTime.fromMillis(b.startMs, { zone });
            expect(start.hour * 60 + start.minute).toBe(0);
            if (unit === "week") expect(start.weekday).toBe(1);
            if (unit === "month") expect(start.day).toBe(1);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
