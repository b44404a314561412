import { DateTime } from "luxon";
import { z } from "zod";
import { HHMM_PATTERN, localTimeMs } from "../calendar/local-time.js";
import { type OpeningHours, openIntervals } from "../calendar/opening-hours.js";

/** The report kinds, named like the report's period (hall-report.ts). */
export type ReportKind = "day" | "week" | "month";
export const REPORT_KINDS: readonly ReportKind[] = ["day", "week", "month"];

const time = z.string().regex(HHMM_PATTERN, "HH:mm (00:00–23:59)");
const targetIds = z.array(z.string().min(1).max(100)).max(20);

/** When a hall's reports go out and to whom. Times are in the hall's zone. */
export const reportScheduleSchema = z.strictObject({
  /** After the day's closing (a closed day sends nothing). */
  daily: z.strictObject({ enabled: z.boolean(), afterCloseMin: z.number().int().min(0).max(240) }),
  /** On Monday at this local time, for the week (Monday–Sunday) before. */
  weekly: z.strictObject({ enabled: z.boolean(), time }),
  /** On this day of the month (1st to 3rd: headquarters wants it by the 3rd), for the month before. */
  monthly: z.strictObject({ enabled: z.boolean(), day: z.number().int().min(1).max(3), time }),
  /** Every user with the duty-manager role and this hall in scope, by personal e-mail. */
  dutyManagers: z.boolean(),
  /** Group channels (notification channel ids) that get every report. */
  channelIds: targetIds,
  /** Headquarters' channels (e.g. an e-mail channel to its addresses): the monthly report only. */
  hqChannelIds: targetIds,
});
export type ReportSchedule = z.infer<typeof reportScheduleSchema>;

/** A hall with no stored schedule uses this one. */
export const DEFAULT_REPORT_SCHEDULE: ReportSchedule = {
  daily: { enabled: true, afterCloseMin: 30 },
  weekly: { enabled: true, time: "08:00" },
  monthly: { enabled: true, day: 1, time: "08:00" },
  dutyManagers: true,
  channelIds: [],
  hqChannelIds: [],
};

/**
 * How late a missed report is still sent (the server was down when it fell due). Later than this it is skipped: a
 * report that old is no news, and a first start must not flood people with old reports.
 */
export const CATCH_UP_MS: Record<ReportKind, number> = {
  day: 24 * 3_600_000,
  week: 3 * 86_400_000,
  month: 10 * 86_400_000,
};

const localDay = (date: string, timeZone: string) =>
  DateTime.fromISO(date, { zone: timeZone }).startOf("day");

/**
 * The daily report of local `date` is due `afterCloseMin` after that day's closing: the end of the last open period
 * that starts on that day (an evening running past midnight closes the next morning). Null on a closed day. A hall
 * without opening hours closes at midnight.
 */
export function dailyDueMs(
  hours: OpeningHours | null,
  timeZone: string,
  date: string,
  afterCloseMin: number,
): number | null {
  const day = localDay(date, hours?.timeZone ?? timeZone);
  const startMs = day.toMillis();
  const nextMs = day.plus({ days: 1 }).toMillis();
  let closeMs: number | null = nextMs;
  if (hours) {
    const periods = openIntervals(hours, startMs, day.plus({ days: 2 }).toMillis());
    const ofDay = periods.filter(([from]) => from >= startMs && from < nextMs);
    closeMs = ofDay.length > 0 ? (ofDay[ofDay.length - 1] as [number, number])[1] : null;
  }
  return closeMs === null ? null : closeMs + afterCloseMin * 60_000;
}

/** The weekly report of the week starting Monday `monday` is due the next Monday at `time`. */
export function weeklyDueMs(timeZone: string, monday: string, at: string): number {
  return localTimeMs(localDay(monday, timeZone).plus({ weeks: 1 }), at);
}

/** The monthly report of the month starting `first` is due on `day` of the next month at `time`. */
export function monthlyDueMs(timeZone: string, first: string, day: number, at: string): number {
  return localTimeMs(localDay(first, timeZone).plus({ months: 1 }).set({ day }), at);
}

export interface DueReport {
  kind: ReportKind;
  /** The local ISO date of the period's first day (the day, the week's Monday, the month's 1st). */
  period: string;
  dueMs: number;
}

/**
 * The most recent period of this kind whose report fell due at or before `nowMs` and is still worth sending
 * (within CATCH_UP_MS), or null. The caller sends it unless it was sent already.
 */
export function latestDueReport(
  kind: ReportKind,
  schedule: ReportSchedule,
  hours: OpeningHours | null,
  timeZone: string,
  nowMs: number,
): DueReport | null {
  const zone = hours?.timeZone ?? timeZone;
  const now = DateTime.fromMillis(nowMs, { zone });
  const candidates: { period: DateTime; dueMs: number | null }[] = [];
  if (kind === "day" && schedule.daily.enabled) {
    // Today's closing, or a closing past midnight of yesterday or the day before.
    for (let back = 0; back <= 2; back += 1) {
      const period = now.startOf("day").minus({ days: back });
      const date = period.toISODate() as string;
      candidates.push({ period, dueMs: dailyDueMs(hours, zone, date, schedule.daily.afterCloseMin) });
    }
  } else if (kind === "week" && schedule.weekly.enabled) {
    for (let back = 1; back <= 2; back += 1) {
      const period = now.startOf("week").minus({ weeks: back });
      candidates.push({
        period,
        dueMs: weeklyDueMs(zone, period.toISODate() as string, schedule.weekly.time),
      });
    }
  } else if (kind === "month" && schedule.monthly.enabled) {
    const { day, time: at } = schedule.monthly;
    for (let back = 1; back <= 2; back += 1) {
      const period = now.startOf("month").minus({ months: back });
      candidates.push({ period, dueMs: monthlyDueMs(zone, period.toISODate() as string, day, at) });
    }
  }
  const found = candidates.find((c) => c.dueMs !== null && c.dueMs <= nowMs);
  if (!found || found.dueMs === null || nowMs - found.dueMs > CATCH_UP_MS[kind]) return null;
  return { kind, period: found.period.toISODate() as string, dueMs: found.dueMs };
}

/** When this kind of report next falls due after `nowMs` (for the console); null when disabled. */
export function nextDueMs(
  kind: ReportKind,
  schedule: ReportSchedule,
  hours: OpeningHours | null,
  timeZone: string,
  nowMs: number,
): number | null {
  const zone = hours?.timeZone ?? timeZone;
  const now = DateTime.fromMillis(nowMs, { zone });
  if (kind === "day" && schedule.daily.enabled) {
    for (let ahead = -1; ahead <= 14; ahead += 1) {
      const date = now.startOf("day").plus({ days: ahead }).toISODate() as string;
      const due = dailyDueMs(hours, zone, date, schedule.daily.afterCloseMin);
      if (due !== null && due > nowMs) return due;
    }
  } else if (kind === "week" && schedule.weekly.enabled) {
    for (let back = 1; back >= 0; back -= 1) {
      const monday = now.startOf("week").minus({ weeks: back }).toISODate() as string;
      const due = weeklyDueMs(zone, monday, schedule.weekly.time);
      if (due > nowMs) return due;
    }
  } else if (kind === "month" && schedule.monthly.enabled) {
    for (let back = 1; back >= 0; back -= 1) {
      const first = now.startOf("month").minus({ months: back }).toISODate() as string;
      const due = monthlyDueMs(zone, first, schedule.monthly.day, schedule.monthly.time);
      if (due > nowMs) return due;
    }
  }
  return null;
}
