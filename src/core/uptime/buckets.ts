import { DateTime } from "luxon";

export type BucketUnit = "day" | "week" | "month";

export interface Bucket {
  /** The local calendar period: "2026-11-23" (day), "2026-W48" (ISO week, Monday start), "2026-11" (month). */
  label: string;
  /** The period's bounds, clipped to the requested range. */
  startMs: number;
  endMs: number;
}

const LABEL_FORMAT: Record<BucketUnit, string> = { day: "yyyy-MM-dd", week: "kkkk-'W'WW", month: "yyyy-MM" };

/**
 * The local days, Monday-start weeks or months of a time zone that overlap [fromMs, toMs), in order, the first and
 * last clipped to the range. Bounds are local midnights, so a Europe/Berlin day lasts 23 or 25 hours at a DST change.
 */
export function calendarBuckets(timeZone: string, unit: BucketUnit, fromMs: number, toMs: number): Bucket[] {
  const out: Bucket[] = [];
  // luxon's weeks are ISO weeks: they start on Monday whatever the locale.
  let start = DateTime.fromMillis(fromMs, { zone: timeZone }).startOf(unit);
  while (start.toMillis() < toMs) {
    const next = start.plus({ [`${unit}s`]: 1 }).startOf(unit);
    out.push({
      label: start.toFormat(LABEL_FORMAT[unit]),
      startMs: Math.max(fromMs, start.toMillis()),
      endMs: Math.min(toMs, next.toMillis()),
    });
    start = next;
  }
  return out;
}
