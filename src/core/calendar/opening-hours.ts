import { DateTime, IANAZone } from "luxon";
import { z } from "zod";

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const range = z
  .strictObject({ open: z.string().regex(HHMM, "HH:mm"), close: z.string().regex(HHMM, "HH:mm") })
  .refine((r) => r.open < r.close, {
    message: "close must be after open (ranges past midnight: split them)",
  });
const dayRanges = z.array(range).max(6).default([]);

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/** A hall's opening hours: a weekly schedule plus dated exceptions, in the hall's own time zone. */
export const openingHoursSchema = z.strictObject({
  timeZone: z
    .string()
    .refine((zone) => IANAZone.isValidZone(zone), "not an IANA time zone")
    .default("Asia/Shanghai"),
  weekly: z.strictObject(
    Object.fromEntries(WEEKDAYS.map((d) => [d, dayRanges])) as Record<
      (typeof WEEKDAYS)[number],
      typeof dayRanges
    >,
  ),
  /** Holidays (closed) and special days (their own ranges), by local date. */
  exceptions: z
    .array(
      z.union([
        z.strictObject({ date: z.iso.date(), closed: z.literal(true), note: z.string().max(200).optional() }),
        z.strictObject({
          date: z.iso.date(),
          ranges: z.array(range).min(1).max(6),
          note: z.string().max(200).optional(),
        }),
      ]),
    )
    .default([]),
});
export type OpeningHours = z.infer<typeof openingHoursSchema>;
export type Interval = readonly [startMs: number, endMs: number];

function rangesOn(hours: OpeningHours, day: DateTime): readonly { open: string; close: string }[] {
  const iso = day.toISODate();
  const exception = hours.exceptions.find((e) => e.date === iso);
  if (exception) return "closed" in exception ? [] : exception.ranges;
  return hours.weekly[WEEKDAYS[day.weekday - 1] as (typeof WEEKDAYS)[number]];
}

function at(day: DateTime, hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  // 24:00 is the start of the next day; luxon moves a time that a DST change skips to the next valid instant.
  return (
    h === 24
      ? day.plus({ days: 1 }).startOf("day")
      : day.set({ hour: h, minute: m, second: 0, millisecond: 0 })
  ).toMillis();
}

/** The open periods within [fromMs, toMs), as UTC milliseconds, merged and sorted. */
export function openIntervals(hours: OpeningHours, fromMs: number, toMs: number): Interval[] {
  if (toMs <= fromMs) return [];
  const out: [number, number][] = [];
  let day = DateTime.fromMillis(fromMs, { zone: hours.timeZone }).startOf("day").minus({ days: 1 });
  const lastDay = DateTime.fromMillis(toMs, { zone: hours.timeZone }).startOf("day");
  while (day <= lastDay) {
    for (const r of rangesOn(hours, day)) {
      const start = Math.max(fromMs, at(day, r.open));
      const end = Math.min(toMs, at(day, r.close));
      if (end <= start) continue;
      const last = out[out.length - 1];
      if (last && start <= last[1]) last[1] = Math.max(last[1], end);
      else out.push([start, end]);
    }
    day = day.plus({ days: 1 });
  }
  return out;
}

export function isOpenAt(hours: OpeningHours, ms: number): boolean {
  return openIntervals(hours, ms, ms + 1).length > 0;
}

/** When the hall next opens after `afterMs` (null if not within two weeks). */
export function nextOpening(hours: OpeningHours, afterMs: number): number | null {
  const intervals = openIntervals(hours, afterMs, afterMs + 14 * 86_400_000);
  // An interval starting at afterMs is the current one, clipped: the next opening is a later start.
  return intervals.find(([startMs]) => startMs > afterMs)?.[0] ?? null;
}
