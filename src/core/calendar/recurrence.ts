import { CronExpressionParser } from "cron-parser";
import { DateTime } from "luxon";
import { z } from "zod";
import { type Interval, normalize } from "../uptime/intervals.js";
import { HHMM_PATTERN, localTimeMs, WEEKDAYS, weekdayOf } from "./local-time.js";

const HHMM = z.string().regex(HHMM_PATTERN, "HH:mm");
const durationMin = z
  .number()
  .int()
  .min(1)
  .max(7 * 24 * 60);

/** Five fields (minute hour day-of-month month day-of-week) or an alias such as @daily; no seconds field. */
function isMinuteCron(expression: string): boolean {
  const trimmed = expression.trim();
  if (!trimmed.startsWith("@") && trimmed.split(/\s+/).length !== 5) return false;
  try {
    CronExpressionParser.parse(trimmed);
    return true;
  } catch {
    return false;
  }
}

/**
 * When a maintenance window recurs. Times are local to the hall; `durationMin` is elapsed time, so a 60-min window
 * starting 01:30 on a spring-forward night ends at 03:30 local. A monthly window on day 31 skips shorter months.
 */
export const recurrenceSchema = z.discriminatedUnion("type", [
  z
    .strictObject({
      type: z.literal("once"),
      startMs: z.number().int().min(0),
      endMs: z.number().int().min(0),
    })
    .refine((r) => r.endMs > r.startMs, { message: "endMs must be after startMs", path: ["endMs"] }),
  z.strictObject({ type: z.literal("daily"), start: HHMM, durationMin }),
  z.strictObject({
    type: z.literal("weekly"),
    weekdays: z.array(z.enum(WEEKDAYS)).min(1),
    start: HHMM,
    durationMin,
  }),
  z.strictObject({
    type: z.literal("monthly"),
    dayOfMonth: z.number().int().min(1).max(31),
    start: HHMM,
    durationMin,
  }),
  z.strictObject({
    type: z.literal("cron"),
    expression: z
      .string()
      .refine(
        isMinuteCron,
        "not a valid cron expression (five fields: minute hour day-of-month month weekday)",
      ),
    durationMin,
  }),
]);
export type Recurrence = z.infer<typeof recurrenceSchema>;

/** The periods of a recurrence that overlap [fromMs, toMs), clipped, merged and sorted. */
export function recurrenceIntervals(
  r: Recurrence,
  timeZone: string,
  fromMs: number,
  toMs: number,
): Interval[] {
  if (toMs <= fromMs) return [];
  if (r.type === "once") return normalize([[Math.max(fromMs, r.startMs), Math.min(toMs, r.endMs)]]);
  const lengthMs = r.durationMin * 60_000;
  const periods = r.type === "cron" ? cronPeriods(r.expression, lengthMs, timeZone, fromMs, toMs) : [];
  if (r.type !== "cron") {
    let day = DateTime.fromMillis(fromMs - lengthMs, { zone: timeZone }).startOf("day");
    const lastDay = DateTime.fromMillis(toMs, { zone: timeZone }).startOf("day");
    while (day <= lastDay) {
      const matches =
        r.type === "daily" ||
        (r.type === "weekly" && r.weekdays.includes(weekdayOf(day))) ||
        (r.type === "monthly" && day.day === r.dayOfMonth);
      if (matches) {
        const startMs = localTimeMs(day, r.start);
        periods.push([startMs, startMs + lengthMs]);
      }
      day = day.plus({ days: 1 });
    }
  }
  return normalize(periods.map(([a, b]): Interval => [Math.max(fromMs, a), Math.min(toMs, b)]));
}

/**
 * Cron occurrences as periods. cron-parser takes ~50 µs per step, so an every-minute expression over a month
 * would take seconds: when occurrences come closer than the duration, jump to the last occurrence inside the
 * current period (`prev()` from its end) instead of stepping through each one.
 */
function cronPeriods(
  expression: string,
  lengthMs: number,
  timeZone: string,
  fromMs: number,
  toMs: number,
): [number, number][] {
  const out: [number, number][] = [];
  const it = CronExpressionParser.parse(expression, {
    currentDate: new Date(fromMs - lengthMs),
    tz: timeZone,
  });
  // hasNext()/hasPrev() would cost a step each; next()/prev() throw only past a bound, and there is none here.
  const step = (f: () => { getTime(): number }): number | null => {
    try {
      return f().getTime();
    } catch {
      return null;
    }
  };
  for (;;) {
    const startMs = step(() => it.next());
    if (startMs === null || startMs >= toMs) break;
    let lastStartMs = startMs;
    let endMs = startMs + lengthMs;
    while (endMs < toMs) {
      it.reset(new Date(endMs));
      const previous = step(() => it.prev());
      if (previous === null || previous <= lastStartMs) break;
      lastStartMs = previous;
      endMs = previous + lengthMs;
    }
    out.push([startMs, endMs]);
    if (endMs >= toMs) break;
    it.reset(new Date(lastStartMs));
  }
  return out;
}
