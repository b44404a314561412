import { describe, expect, it } from "vitest";
import { OpenStateCache } from "../../../src/core/calendar/open-state-cache.js";
import {
  isOpenAt,
  type OpeningHours,
  openIntervals,
  openingHoursSchema,
} from "../../../src/core/calendar/opening-hours.js";

const MINUTE_MS = 60_000;
const day = [{ open: "09:00", close: "18:00" }];
const berlin = openingHoursSchema.parse({
  timeZone: "Europe/Berlin",
  weekly: {
    mon: day,
    tue: day,
    wed: [
      { open: "00:00", close: "02:30" },
      { open: "09:00", close: "24:00" },
    ],
    thu: [{ open: "00:00", close: "03:00" }],
    fri: day,
    sat: [{ open: "10:00", close: "14:00" }],
    sun: [],
  },
  exceptions: [
    { date: "2026-12-31", ranges: [{ open: "09:00", close: "12:00" }] },
    { date: "2027-01-01", closed: true },
  ],
});
const shanghai = openingHoursSchema.parse({
  timeZone: "Asia/Shanghai",
  weekly: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: [], sun: [] },
});
const always = openingHoursSchema.parse({
  timeZone: "Asia/Shanghai",
  weekly: Object.fromEntries(
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [{ open: "00:00", close: "24:00" }]]),
  ),
});

/** Walks a clock through [fromMs, toMs) in uneven steps, asking the cache and the calendar at every step. */
function agreeOver(hours: OpeningHours, fromMs: number, toMs: number, stepMs: number) {
  const cache = new OpenStateCache();
  let disagreements = 0;
  let asked = 0;
  for (let t = fromMs, i = 0; t < toMs; t += stepMs + (i++ % 7) * 997) {
    asked += 1;
    if (cache.isOpenAt(hours, t) !== isOpenAt(hours, t)) disagreements += 1;
  }
  return { disagreements, asked };
}

describe("OpenStateCache", () => {
  it("answers as the calendar does, minute by minute, across both DST changes, New Year and its exceptions", () => {
    const cases: [OpeningHours, number, number][] = [
      [berlin, Date.UTC(2026, 2, 27), Date.UTC(2026, 3, 3)], // spring forward, 29 March 2026
      [berlin, Date.UTC(2026, 9, 23), Date.UTC(2026, 10, 1)], // fall back, 25 October 2026
      [berlin, Date.UTC(2026, 11, 28), Date.UTC(2027, 0, 4)], // New Year with an exception each side
      [shanghai, Date.UTC(2026, 10, 27), Date.UTC(2026, 11, 3)], // a month end
      [always, Date.UTC(2026, 11, 28), Date.UTC(2027, 0, 4)],
    ];
    for (const [hours, fromMs, toMs] of cases) {
      const { disagreements, asked } = agreeOver(hours, fromMs, toMs, 5 * MINUTE_MS);
      expect(disagreements, `${hours.timeZone} from ${new Date(fromMs).toISOString()}`).toBe(0);
      expect(asked).toBeGreaterThan(1000);
    }
  });

  it("is exact at the boundaries: the last millisecond before opening, the opening, the last open one, the close", () => {
    const cache = new OpenStateCache();
    const opensMs = Date.UTC(2026, 11, 1, 1); // Tuesday 09:00 in Shanghai
    const closesMs = Date.UTC(2026, 11, 1, 10); // 18:00
    for (const t of [opensMs - 1, opensMs, closesMs - 1, closesMs, opensMs + 1])
      expect(cache.isOpenAt(shanghai, t), new Date(t).toISOString()).toBe(isOpenAt(shanghai, t));
  });

  it("follows a clock that goes back, and new hours for the hall", () => {
    const cache = new OpenStateCache();
    const noonMs = Date.UTC(2026, 11, 1, 4); // Tuesday 12:00 in Shanghai: open
    expect(cache.isOpenAt(shanghai, noonMs)).toBe(true);
    expect(cache.isOpenAt(shanghai, noonMs - 8 * 3_600_000)).toBe(false); // 04:00: closed
    const closedAllWeek = openingHoursSchema.parse({ timeZone: "Asia/Shanghai", weekly: {} });
    expect(cache.isOpenAt(closedAllWeek, noonMs)).toBe(false);
  });

  it("asks the calendar once for halls whose hours are the same, though each hall has its own copy", () => {
    // At a province's 10,000 halls a re-check asked the calendar for every hall (170 µs each: 1.7 s of event loop).
    const cache = new OpenStateCache();
    const noonMs = Date.UTC(2026, 11, 1, 4);
    for (let hall = 0; hall < 10_000; hall += 1) {
      const copy = openingHoursSchema.parse(JSON.parse(JSON.stringify(shanghai)));
      expect(cache.isOpenAt(copy, noonMs + hall)).toBe(true);
    }
    expect(cache.calendarLookups).toBe(1);
    expect(cache.isOpenAt(berlin, noonMs)).toBe(isOpenAt(berlin, noonMs));
    expect(cache.calendarLookups).toBe(2);
  });

  it("tells when the current opening began, as the calendar does, looking back at most a day", () => {
    const cache = new OpenStateCache();
    const asCalendar = (hours: OpeningHours, atMs: number) => {
      const current = openIntervals(hours, atMs - 86_400_000, atMs + 1).at(-1);
      return current !== undefined && current[1] > atMs ? current[0] : null;
    };
    for (const [hours, fromMs] of [
      [berlin, Date.UTC(2026, 2, 27)],
      [berlin, Date.UTC(2026, 9, 23)],
      [berlin, Date.UTC(2026, 11, 29)],
      [shanghai, Date.UTC(2026, 10, 28)],
      [always, Date.UTC(2026, 11, 30)],
    ] as const) {
      for (let t = fromMs; t < fromMs + 5 * 86_400_000; t += 7 * MINUTE_MS + 13)
        expect(cache.openedAt(hours, t), `${hours.timeZone} ${new Date(t).toISOString()}`).toBe(
          asCalendar(hours, t),
        );
    }
  });
});
