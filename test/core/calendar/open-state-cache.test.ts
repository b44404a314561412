import { describe, expect, it } from "vitest";
import { OpenStateCache } from "../../../src/core/calendar/open-state-cache.js";
import { isOpenAt, type OpeningHours, openingHoursSchema } from "../../../src/core/calendar/opening-hours.js";

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
    if (cache.isOpenAt("h", hours, t) !== isOpenAt(hours, t)) disagreements += 1;
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
      expect(cache.isOpenAt("h", shanghai, t), new Date(t).toISOString()).toBe(isOpenAt(shanghai, t));
  });

  it("follows a clock that goes back, and new hours for the hall", () => {
    const cache = new OpenStateCache();
    const noonMs = Date.UTC(2026, 11, 1, 4); // Tuesday 12:00 in Shanghai: open
    expect(cache.isOpenAt("h", shanghai, noonMs)).toBe(true);
    expect(cache.isOpenAt("h", shanghai, noonMs - 8 * 3_600_000)).toBe(false); // 04:00: closed
    const closedAllWeek = openingHoursSchema.parse({ timeZone: "Asia/Shanghai", weekly: {} });
    expect(cache.isOpenAt("h", closedAllWeek, noonMs)).toBe(false);
  });
});
