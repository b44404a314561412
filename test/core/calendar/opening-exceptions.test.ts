import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import {
  isOpenAt,
  nextOpening,
  type OpeningHours,
  openIntervals,
  openingHoursSchema,
} from "../../../src/core/calendar/opening-hours.js";

const nineToSix = [{ open: "09:00", close: "18:00" }];
const weekdays = { mon: nineToSix, tue: nineToSix, wed: nineToSix, thu: nineToSix, fri: nineToSix };
const HOUR = 3_600_000;
const local = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toMillis();

describe("opening hours: validation", () => {
  it("refuses a range past midnight and says how to write it", () => {
    const r = openingHoursSchema.safeParse({ weekly: { fri: [{ open: "20:00", close: "02:00" }] } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/end it at 24:00 and continue from 00:00/);
  });

  it("refuses two exceptions on the same date, and defaults the time zone to Asia/Shanghai", () => {
    const r = openingHoursSchema.safeParse({
      weekly: {},
      exceptions: [
        { date: "2026-10-01", closed: true },
        { date: "2026-10-01", ranges: nineToSix },
      ],
    });
    expect(r.error?.issues.map((i) => i.message)).toEqual(["two exceptions on the same date"]);
    expect(openingHoursSchema.parse({ weekly: {} }).timeZone).toBe("Asia/Shanghai");
  });

  it("merges unsorted and touching ranges into one period", () => {
    const hours = openingHoursSchema.parse({
      timeZone: "Asia/Shanghai",
      weekly: {
        mon: [
          { open: "13:00", close: "24:00" },
          { open: "09:00", close: "13:00" },
        ],
        tue: [{ open: "00:00", close: "02:00" }],
      },
    });
    const z = "Asia/Shanghai";
    expect(openIntervals(hours, local("2026-11-23T00:00", z), local("2026-11-25T00:00", z))).toEqual([
      [local("2026-11-23T09:00", z), local("2026-11-24T02:00", z)],
    ]);
  });
});

describe("opening hours: exceptions are honoured (property)", () => {
  const zones = ["Asia/Shanghai", "Europe/Berlin"] as const;
  const hhmm = fc.integer({ min: 0, max: 23 * 60 + 58 }).map((m) => m);
  const rangeArb = fc
    .tuple(hhmm, fc.integer({ min: 1, max: 600 }))
    .map(([open, len]) => [open, Math.min(24 * 60, open + len)] as const);
  const fmt = (m: number) =>
    m === 24 * 60 ? "24:00" : `${`${Math.floor(m / 60)}`.padStart(2, "0")}:${`${m % 60}`.padStart(2, "0")}`;

  it("on an exception day, open exactly within the exception's ranges, whatever the weekday says", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 365 }),
        fc.option(rangeArb, { nil: null }),
        fc.integer({ min: 0, max: 24 * 60 - 1 }),
        (zone, dayOffset, replacement, probeMin) => {
          const day = DateTime.fromISO("2026-01-01", { zone }).plus({ days: dayOffset });
          const date = day.toISODate() ?? "";
          const hours: OpeningHours = openingHoursSchema.parse({
            timeZone: zone,
            weekly: { ...weekdays, sat: nineToSix, sun: nineToSix },
            exceptions: [
              replacement === null
                ? { date, closed: true, note: "holiday" }
                : { date, ranges: [{ open: fmt(replacement[0]), close: fmt(replacement[1]) }] },
            ],
          });
          const probe = day.set({ hour: Math.floor(probeMin / 60), minute: probeMin % 60 });
          // Skip local times a DST change makes nonexistent (luxon moves them out of the day's wall clock).
          fc.pre(probe.hour * 60 + probe.minute === probeMin);
          const expected = replacement !== null && probeMin >= replacement[0] && probeMin < replacement[1];
          expect(isOpenAt(hours, probe.toMillis())).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("nextOpening", () => {
  it("finds the opening after a long closure, and skips midnight inside a round-the-clock weekend", () => {
    const z = "Asia/Shanghai";
    const closures = Array.from({ length: 40 }, (_, i) => ({
      date: DateTime.fromISO("2026-12-01", { zone: z }).plus({ days: i }).toISODate() ?? "",
      closed: true as const,
      note: "renovation",
    }));
    const hours = openingHoursSchema.parse({ timeZone: z, weekly: weekdays, exceptions: closures });
    // 40 days closed from Tue 2026-12-01: reopens Monday 2027-01-11 at 09:00.
    expect(nextOpening(hours, local("2026-11-30T20:00", z))).toBe(local("2027-01-11T09:00", z));

    const allDay = [{ open: "00:00", close: "24:00" }];
    const weekend = openingHoursSchema.parse({
      timeZone: z,
      weekly: { ...weekdays, sat: allDay, sun: allDay },
    });
    expect(nextOpening(weekend, local("2026-11-28T12:00", z))).toBe(local("2026-11-30T09:00", z));
    expect(nextOpening(weekend, local("2026-11-27T19:00", z))).toBe(local("2026-11-28T00:00", z));
    expect(nextOpening(openingHoursSchema.parse({ weekly: {} }), 0)).toBeNull();
  });

  it("keeps 09:00 local on the Monday after each Berlin DST change", () => {
    const z = "Europe/Berlin";
    const hours = openingHoursSchema.parse({ timeZone: z, weekly: weekdays });
    expect(nextOpening(hours, local("2026-03-28T12:00", z))).toBe(local("2026-03-30T09:00", z));
    expect(nextOpening(hours, local("2026-10-24T12:00", z))).toBe(local("2026-10-26T09:00", z));
    expect(local("2026-10-26T09:00", z) - local("2026-10-23T09:00", z)).toBe(3 * 24 * HOUR + HOUR);
  });
});
