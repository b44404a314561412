import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import {
  isOpenAt,
  nextOpening,
  openIntervals,
  openingHoursSchema,
} from "../../../src/core/calendar/opening-hours.js";
import { isWatched } from "../../../src/core/calendar/watch-policy.js";

const nineToSix = [{ open: "09:00", close: "18:00" }];
const shanghai = openingHoursSchema.parse({
  timeZone: "Asia/Shanghai",
  weekly: {
    mon: nineToSix,
    tue: nineToSix,
    wed: nineToSix,
    thu: nineToSix,
    fri: nineToSix,
    sat: [{ open: "10:00", close: "16:00" }],
  },
  exceptions: [
    { date: "2026-10-01", closed: true, note: "National Day" },
    { date: "2026-12-31", ranges: [{ open: "09:00", close: "21:00" }], note: "year-end extended hours" },
  ],
});
const local = (iso: string, zone = "Asia/Shanghai") => DateTime.fromISO(iso, { zone }).toMillis();
const HOUR = 3_600_000;

describe("opening hours", () => {
  it("is open within the weekly schedule, in the hall's time zone", () => {
    expect(isOpenAt(shanghai, local("2026-11-23T09:00"))).toBe(true); // Monday
    expect(isOpenAt(shanghai, local("2026-11-23T08:59"))).toBe(false);
    expect(isOpenAt(shanghai, local("2026-11-23T18:00"))).toBe(false);
    expect(isOpenAt(shanghai, local("2026-11-29T12:00"))).toBe(false); // Sunday
    expect(isOpenAt(shanghai, local("2026-11-28T15:59"))).toBe(true); // Saturday
    // 01:30 UTC is 09:30 in Shanghai.
    expect(isOpenAt(shanghai, Date.parse("2026-11-23T01:30:00Z"))).toBe(true);
  });

  it("honours dated exceptions: closed days and extended hours", () => {
    expect(isOpenAt(shanghai, local("2026-10-01T10:00"))).toBe(false);
    expect(isOpenAt(shanghai, local("2026-12-31T20:00"))).toBe(true);
    expect(isOpenAt(shanghai, local("2026-12-30T20:00"))).toBe(false);
  });

  it("lists open intervals over a week and finds the next opening", () => {
    const week = openIntervals(shanghai, local("2026-11-23T00:00"), local("2026-11-30T00:00"));
    expect(week).toHaveLength(6);
    expect(week.reduce((sum, [a, b]) => sum + (b - a), 0)).toBe((5 * 9 + 6) * HOUR);
    expect(nextOpening(shanghai, local("2026-11-23T19:00"))).toBe(local("2026-11-24T09:00"));
    expect(nextOpening(shanghai, local("2026-11-23T10:00"))).toBe(local("2026-11-24T09:00"));
    expect(nextOpening(shanghai, local("2026-11-28T17:00"))).toBe(local("2026-11-30T09:00"));
  });

  it("keeps local opening times across daylight-saving changes (Europe/Berlin)", () => {
    const allDay = [{ open: "00:00", close: "24:00" }];
    const berlin = openingHoursSchema.parse({
      timeZone: "Europe/Berlin",
      weekly: {
        mon: nineToSix,
        tue: nineToSix,
        wed: nineToSix,
        thu: nineToSix,
        fri: nineToSix,
        sat: allDay,
        sun: allDay,
      },
    });
    // 2026-03-29 (Sunday) has 23 hours, 2026-10-25 (Sunday) 25.
    const spring = openIntervals(
      berlin,
      local("2026-03-29T00:00", "Europe/Berlin"),
      local("2026-03-30T00:00", "Europe/Berlin"),
    );
    expect(spring.reduce((s, [a, b]) => s + (b - a), 0)).toBe(23 * HOUR);
    const autumn = openIntervals(
      berlin,
      local("2026-10-25T00:00", "Europe/Berlin"),
      local("2026-10-26T00:00", "Europe/Berlin"),
    );
    expect(autumn.reduce((s, [a, b]) => s + (b - a), 0)).toBe(25 * HOUR);
    // The Monday after each change still opens at 09:00 local time, 9 hours long.
    const monday = openIntervals(
      berlin,
      local("2026-03-30T00:00", "Europe/Berlin"),
      local("2026-03-31T00:00", "Europe/Berlin"),
    );
    expect(monday).toEqual([
      [local("2026-03-30T09:00", "Europe/Berlin"), local("2026-03-30T18:00", "Europe/Berlin")],
    ]);
  });

  it("splitting a range anywhere gives the same open time (property)", () => {
    const start = local("2026-01-01T00:00");
    const span = 60 * 86_400_000;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: span }), fc.integer({ min: 0, max: span }), (a, b) => {
        const [from, to] = [start + Math.min(a, b), start + Math.max(a, b)];
        const mid = from + Math.floor((to - from) / 3);
        const total = (xs: readonly (readonly [number, number])[]) =>
          xs.reduce((s, [x, y]) => s + (y - x), 0);
        expect(total(openIntervals(shanghai, from, mid)) + total(openIntervals(shanghai, mid, to))).toBe(
          total(openIntervals(shanghai, from, to)),
        );
      }),
      { numRuns: 200 },
    );
  });

  it("rejects bad schedules with clear messages", () => {
    const result = openingHoursSchema.safeParse({
      timeZone: "Mars/Olympus",
      weekly: { mon: [{ open: "18:00", close: "09:00" }], xyz: [] },
    });
    expect(result.success).toBe(false);
    const messages = result.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n") ?? "";
    expect(messages).toMatch(/timeZone: not an IANA time zone/);
    expect(messages).toMatch(/weekly.mon.0: close must be after open/);
    expect(messages).toMatch(/xyz/);
  });
});

describe("watch policy", () => {
  it("watches fire equipment and the gateway around the clock, the rest only while open", () => {
    const night = local("2026-11-23T23:00");
    expect(isWatched("tv", shanghai, night)).toBe(false);
    expect(isWatched("kiosk", shanghai, night)).toBe(false);
    expect(isWatched("extinguisher", shanghai, night)).toBe(true);
    expect(isWatched("gateway", shanghai, night)).toBe(true);
    expect(isWatched("tv", shanghai, local("2026-11-23T11:00"))).toBe(true);
    expect(isWatched("tv", null, night)).toBe(true); // no hours configured: always watched
  });
});

describe("configurable watch policy", () => {
  it("can watch chargers around the clock too", () => {
    const night = DateTime.fromISO("2026-11-23T23:00", { zone: "Asia/Shanghai" }).toMillis();
    const hours = openingHoursSchema.parse({
      timeZone: "Asia/Shanghai",
      weekly: { mon: [{ open: "09:00", close: "18:00" }] },
    });
    expect(isWatched("charger", hours, night)).toBe(false);
    expect(isWatched("charger", hours, night, new Set(["charger", "extinguisher"]))).toBe(true);
    expect(isWatched("gateway", hours, night, new Set(["charger"]))).toBe(false);
  });
});
