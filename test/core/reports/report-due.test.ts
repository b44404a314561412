import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import type { OpeningHours } from "../../../src/core/calendar/opening-hours.js";
import {
  DEFAULT_REPORT_SCHEDULE,
  dailyDueMs,
  latestDueReport,
  monthlyDueMs,
  reportScheduleSchema,
  weeklyDueMs,
} from "../../../src/core/reports/schedule.js";

const utc = (iso: string) => DateTime.fromISO(iso, { zone: "utc" }).toMillis();
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const nine2six = [{ open: "09:00", close: "18:00" }];
const hours = (timeZone: string, extra: Partial<OpeningHours> = {}): OpeningHours => ({
  timeZone,
  weekly: {
    mon: nine2six,
    tue: nine2six,
    wed: nine2six,
    thu: nine2six,
    fri: nine2six,
    sat: nine2six,
    sun: [],
  },
  exceptions: [],
  ...extra,
});

describe("when a scheduled report falls due (pure, in the hall's zone)", () => {
  const sh = hours("Asia/Shanghai");
  const berlin = hours("Europe/Berlin", {
    weekly: {
      mon: nine2six,
      tue: nine2six,
      wed: nine2six,
      thu: nine2six,
      fri: nine2six,
      sat: nine2six,
      sun: nine2six,
    },
  });

  it("sends the daily report 30 min after the day's closing; a closed day sends nothing", () => {
    expect(iso(dailyDueMs(sh, "Asia/Shanghai", "2026-11-30", 30))).toBe("2026-11-30T10:30:00.000Z");
    expect(dailyDueMs(sh, "Asia/Shanghai", "2026-11-29", 30)).toBeNull(); // a Sunday: closed
    const holiday = hours("Asia/Shanghai", { exceptions: [{ date: "2026-10-01", closed: true }] });
    expect(dailyDueMs(holiday, "Asia/Shanghai", "2026-10-01", 30)).toBeNull();
    // No opening hours: the day ends at midnight.
    expect(iso(dailyDueMs(null, "Asia/Shanghai", "2026-11-30", 30))).toBe("2026-11-30T16:30:00.000Z");
  });

  it("follows the closing past midnight (18:00–24:00 then 00:00–02:00 close at 02:00)", () => {
    const late = hours("Asia/Shanghai", {
      exceptions: [
        { date: "2026-12-31", ranges: [{ open: "18:00", close: "24:00" }] },
        { date: "2027-01-01", ranges: [{ open: "00:00", close: "02:00" }] },
      ],
    });
    expect(iso(dailyDueMs(late, "Asia/Shanghai", "2026-12-31", 30))).toBe("2026-12-31T18:30:00.000Z");
  });

  it("sends the weekly report on the next Monday at 08:00 local, across New Year", () => {
    expect(iso(weeklyDueMs("Asia/Shanghai", "2026-12-28", "08:00"))).toBe("2027-01-04T00:00:00.000Z");
  });

  it("sends the monthly report on the 1st at 08:00 local, across month ends and New Year", () => {
    expect(iso(monthlyDueMs("Asia/Shanghai", "2026-11-01", 1, "08:00"))).toBe("2026-12-01T00:00:00.000Z");
    expect(iso(monthlyDueMs("Asia/Shanghai", "2026-12-01", 1, "08:00"))).toBe("2027-01-01T00:00:00.000Z");
    expect(iso(monthlyDueMs("Asia/Shanghai", "2027-01-01", 3, "08:00"))).toBe("2027-02-03T00:00:00.000Z");
    expect(iso(monthlyDueMs("Asia/Shanghai", "2028-02-01", 1, "08:00"))).toBe("2028-03-01T00:00:00.000Z");
  });

  it("keeps 08:00 and closing times local in Berlin across both DST changes", () => {
    // Summer time starts Sun 29 Mar 2026: 08:00 CET = 07:00Z before, 08:00 CEST = 06:00Z after.
    expect(iso(weeklyDueMs("Europe/Berlin", "2026-03-16", "08:00"))).toBe("2026-03-23T07:00:00.000Z");
    expect(iso(weeklyDueMs("Europe/Berlin", "2026-03-23", "08:00"))).toBe("2026-03-30T06:00:00.000Z");
    expect(iso(dailyDueMs(berlin, "Europe/Berlin", "2026-03-28", 30))).toBe("2026-03-28T17:30:00.000Z");
    expect(iso(dailyDueMs(berlin, "Europe/Berlin", "2026-03-29", 30))).toBe("2026-03-29T16:30:00.000Z");
    expect(iso(monthlyDueMs("Europe/Berlin", "2026-03-01", 1, "08:00"))).toBe("2026-04-01T06:00:00.000Z");
    // Summer time ends Sun 25 Oct 2026.
    expect(iso(monthlyDueMs("Europe/Berlin", "2026-10-01", 1, "08:00"))).toBe("2026-11-01T07:00:00.000Z");
    expect(iso(dailyDueMs(berlin, "Europe/Berlin", "2026-10-25", 30))).toBe("2026-10-25T17:30:00.000Z");
  });

  it("names the latest period due, in the hall's zone and not UTC's", () => {
    const s = DEFAULT_REPORT_SCHEDULE;
    // 1 Dec 07:59 in Shanghai (30 Nov 23:59Z): November's report is not due yet (October's is a month old).
    expect(latestDueReport("month", s, sh, "Asia/Shanghai", utc("2026-11-30T23:59:00Z"))).toBeNull();
    // 1 Dec 00:30 in Shanghai (30 Nov 16:30Z): the 1st, but not 08:00 yet.
    expect(latestDueReport("month", s, sh, "Asia/Shanghai", utc("2026-11-30T16:30:00Z"))).toBeNull();
    // 1 Dec 08:00 in Shanghai is 1 Dec 00:00Z: November's report is due.
    expect(latestDueReport("month", s, sh, "Asia/Shanghai", utc("2026-12-01T00:00:00Z"))).toEqual({
      kind: "month",
      period: "2026-11-01",
      dueMs: utc("2026-12-01T00:00:00Z"),
    });
    // In New York it is still 30 Nov at 00:00Z: nothing new.
    expect(latestDueReport("month", s, null, "America/New_York", utc("2026-12-01T00:00:00Z"))).toBeNull();
    expect(latestDueReport("week", s, sh, "Asia/Shanghai", utc("2026-11-30T00:00:00Z"))?.period).toBe(
      "2026-11-23",
    );
    expect(latestDueReport("week", s, sh, "Asia/Shanghai", utc("2026-11-29T23:59:00Z"))).toBeNull();
    expect(latestDueReport("day", s, sh, "Asia/Shanghai", utc("2026-12-01T02:00:00Z"))?.period).toBe(
      "2026-11-30",
    );
  });

  it("catches up a missed report only within its window, and not a disabled one", () => {
    const s = DEFAULT_REPORT_SCHEDULE;
    // The aggregator was down on the 1st: on the 2nd the monthly report is still due.
    expect(latestDueReport("month", s, sh, "Asia/Shanghai", utc("2026-12-02T03:00:00Z"))?.period).toBe(
      "2026-11-01",
    );
    // Three weeks later it is not sent any more.
    expect(latestDueReport("month", s, sh, "Asia/Shanghai", utc("2026-12-22T03:00:00Z"))).toBeNull();
    // Saturday's daily report (due Sat 18:30) is not sent on Monday afternoon (Sunday is closed).
    expect(latestDueReport("day", s, sh, "Asia/Shanghai", utc("2026-11-30T09:00:00Z"))).toBeNull();
    expect(latestDueReport("day", s, sh, "Asia/Shanghai", utc("2026-12-02T12:00:00Z"))?.period).toBe(
      "2026-12-02",
    );
    expect(latestDueReport("day", s, sh, "Asia/Shanghai", utc("2026-12-02T09:00:00Z"))?.period).toBe(
      "2026-12-01",
    );
    const off = { ...s, monthly: { ...s.monthly, enabled: false } };
    expect(latestDueReport("month", off, sh, "Asia/Shanghai", utc("2026-12-01T01:00:00Z"))).toBeNull();
  });

  it("validates a schedule with clear messages", () => {
    expect(reportScheduleSchema.safeParse(DEFAULT_REPORT_SCHEDULE).success).toBe(true);
    const bad = reportScheduleSchema.safeParse({
      ...DEFAULT_REPORT_SCHEDULE,
      monthly: { enabled: true, day: 9, time: "25:00" },
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join("."))).toEqual(["monthly.day", "monthly.time"]);
  });
});
