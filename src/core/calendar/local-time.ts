import type { DateTime } from "luxon";

/** ISO weekday order (luxon's `weekday` 1 = Monday … 7 = Sunday). */
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** "HH:mm", 00:00–23:59. */
export const HHMM_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;
/** "HH:mm" or "24:00" (the end of the day), for the close of a range. */
export const HHMM_OR_24_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

export function weekdayOf(day: DateTime): Weekday {
  return WEEKDAYS[day.weekday - 1] as Weekday;
}

/**
 * The instant of a local "HH:mm" on a local day. "24:00" is the start of the next day. A time that a DST change
 * skips is moved forward by the length of the gap (02:30 on the spring-forward day in Europe/Berlin → 03:30), and
 * an ambiguous time (02:30 on the autumn day) is its first occurrence (the summer-time one).
 */
export function localTimeMs(day: DateTime, hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  const dt =
    h === 24
      ? day.startOf("day").plus({ days: 1 })
      : day.set({ hour: h, minute: m, second: 0, millisecond: 0 });
  return dt.toMillis();
}
