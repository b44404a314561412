import { DateTime, IANAZone } from "luxon";
import { z } from "zod";
import type { Interval } from "../uptime/intervals.js";
import { HHMM_OR_24_PATTERN, HHMM_PATTERN, localTimeMs, WEEKDAYS, weekdayOf } from "./local-time.js";

export type { Interval } from "../uptime/intervals.js";
export { WEEKDAYS, type Weekday } from "./local-time.js";

/** One local opening range of a day; "24:00" closes at midnight. Ranges past midnight are split across two days. */
const range = z
  .strictObject({
    open: z.string().regex(HHMM_PATTERN, "HH:mm"),
    close: z.string().regex(HHMM_OR_24_PATTERN, "HH:mm or 24:00"),
  })
  .refine((r) => r.open < r.close, {
    message:
      "close must be after open (a range past midnight: end it at 24:00 and continue from 00:00 the next day)",
  });
export type OpeningRange = z.infer<typeof range>;
const dayRanges = z.array(range).max(6).default([]);

const note = z.string().max(200).optional();
const exceptionSchema = z.union([
  /** Closed all day (a holiday). */
  z.strictObject({ date: z.iso.date(), closed: z.literal(true), note }),
  /** Open with these ranges instead of the weekly ones (extended or shortened hours, a working weekend). */
  z.strictObject({ date: z.iso.date(), ranges: z.array(range).min(1).max(6), note }),
]);
export type OpeningException = z.infer<typeof exceptionSchema>;

/** Zones already asked about: luxon's check builds an Intl formatter each time (about 0.1 ms). */
const zoneValidity = new Map<string, boolean>();

function isKnownZone(zone: string): boolean {
  let valid = zoneValidity.get(zone);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(zone);
    if (zoneValidity.size >= 1_000) zoneValidity.clear(); // bounded: the names come from outside
    zoneValidity.set(zone, valid);
  }
  return valid;
}

/** A hall's opening hours: a weekly schedule plus dated exceptions, in the hall's own IANA time zone. */
export const openingHoursSchema = z.strictObject({
  timeZone: z.string().refine(isKnownZone, "not an IANA time zone").default("Asia/Shanghai"),
  weekly: z.strictObject(
    Object.fromEntries(WEEKDAYS.map((d) => [d, dayRanges])) as Record<
      (typeof WEEKDAYS)[number],
      typeof dayRanges
    >,
  ),
  /** By local date; at most one per date. */
  exceptions: z
    .array(exceptionSchema)
    .default([])
    .refine(
      (list) => new Set(list.map((e) => e.date)).size === list.length,
      "two exceptions on the same date",
    ),
});
export type OpeningHours = z.infer<typeof openingHoursSchema>;

/** The local ranges of one local day: its exception if it has one, else its weekday's. */
export function rangesOn(hours: OpeningHours, day: DateTime): readonly OpeningRange[] {
  const iso = day.toISODate();
  const exception = hours.exceptions.find((e) => e.date === iso);
  if (exception) return "closed" in exception ? [] : exception.ranges;
  return hours.weekly[weekdayOf(day)];
}

/**
 * The open periods within [fromMs, toMs), as UTC milliseconds, clipped, merged and sorted. Ranges that touch
 * (18:00–24:00 then 00:00–02:00) merge into one period. Local times follow DST: a Berlin day open 00:00–24:00
 * lasts 23 hours in March and 25 in October; 09:00 is 09:00 local on either side of the change.
 */
export function openIntervals(hours: OpeningHours, fromMs: number, toMs: number): Interval[] {
  if (toMs <= fromMs) return [];
  const out: [number, number][] = [];
  let day = DateTime.fromMillis(fromMs, { zone: hours.timeZone }).startOf("day");
  const lastDay = DateTime.fromMillis(toMs, { zone: hours.timeZone }).startOf("day");
  while (day <= lastDay) {
    for (const r of [...rangesOn(hours, day)].sort((a, b) => a.open.localeCompare(b.open))) {
      const start = Math.max(fromMs, localTimeMs(day, r.open));
      const end = Math.min(toMs, localTimeMs(day, r.close));
      if (end <= start) continue;
      const last = out[out.length - 1];
      if (last && start <= last[1]) last[1] = Math.max(last[1], end);
      else out.push([start, end]);
    }
    day = day.plus({ days: 1 });
  }
  return out;
}

export function isOpenAt(hours: OpeningHours, atMs: number): boolean {
  return openIntervals(hours, atMs, atMs + 1).length > 0;
}

const SEARCH_STEP_MS = 31 * 86_400_000;
const SEARCH_LIMIT_MS = 400 * 86_400_000;

/**
 * When the hall next opens strictly after `afterMs`: the start of an open period (touching ranges count as one,
 * so 24:00/00:00 inside a round-the-clock weekend is not an opening). Null if it stays closed for 400 days.
 */
export function nextOpening(hours: OpeningHours, afterMs: number): number | null {
  for (let fromMs = afterMs; fromMs < afterMs + SEARCH_LIMIT_MS; fromMs += SEARCH_STEP_MS) {
    // A period already running at the start of the query comes back clipped to its first millisecond: skip it.
    const queryFromMs = fromMs - 1;
    const found = openIntervals(hours, queryFromMs, fromMs + SEARCH_STEP_MS).find(
      ([startMs]) => startMs > queryFromMs && startMs > afterMs,
    );
    if (found) return found[0];
  }
  return null;
}
