import { DateTime } from "luxon";
import { z } from "zod";
import { WEEKDAYS } from "../calendar/local-time.js";

/**
 * How often a hall's fire assets are inspected. Periods start at local midnight in the hall's zone: weekly on
 * `weekday`, half-monthly on the 1st and 16th, monthly on the 1st. An inspection is due by the end of the
 * period's `dueAfterDays`-th day, and overdue `graceHours` after that.
 */
export const inspectionPolicySchema = z
  .strictObject({
    frequency: z.enum(["weekly", "half_monthly", "monthly"]).default("weekly"),
    weekday: z.enum(WEEKDAYS).default("mon"),
    dueAfterDays: z.number().int().min(1).max(28).default(1),
    graceHours: z.number().int().min(0).max(168).default(0),
  })
  .refine((p) => p.dueAfterDays <= SHORTEST_PERIOD_DAYS[p.frequency], {
    message: "dueAfterDays is longer than the shortest period of this frequency",
    path: ["dueAfterDays"],
  });
export type InspectionPolicy = z.output<typeof inspectionPolicySchema>;
export type InspectionPolicyInput = z.input<typeof inspectionPolicySchema>;

/** Weekly periods are 7 days, half-months at least 13 (16th to the end of February), months at least 28. */
const SHORTEST_PERIOD_DAYS = { weekly: 7, half_monthly: 13, monthly: 28 } as const;

export const DEFAULT_INSPECTION_POLICY: InspectionPolicy = inspectionPolicySchema.parse({});

export interface InspectionPeriod {
  /** Local date of the period's first day, e.g. "2026-11-23": the period's stable key. */
  key: string;
  /** e.g. "2026-W48", "2026-11 H2", "2026-11". */
  label: string;
  startMs: number;
  endMs: number;
  /** The end of the period's due day. */
  dueMs: number;
  /** dueMs plus the grace period: not done by then is overdue. */
  overdueMs: number;
}

function periodStartingAt(policy: InspectionPolicy, start: DateTime): InspectionPeriod {
  const end =
    policy.frequency === "weekly"
      ? start.plus({ weeks: 1 })
      : policy.frequency === "monthly"
        ? start.plus({ months: 1 })
        : start.day === 1
          ? start.set({ day: 16 })
          : start.plus({ months: 1 }).set({ day: 1 });
  const dueMs = start.plus({ days: policy.dueAfterDays }).toMillis();
  const label =
    policy.frequency === "weekly"
      ? `${start.toFormat("kkkk-'W'WW")}`
      : policy.frequency === "monthly"
        ? start.toFormat("yyyy-MM")
        : `${start.toFormat("yyyy-MM")} H${start.day === 1 ? 1 : 2}`;
  return {
    key: start.toISODate() as string,
    label,
    startMs: start.toMillis(),
    endMs: end.toMillis(),
    dueMs,
    overdueMs: dueMs + policy.graceHours * 3_600_000,
  };
}

function startOfPeriodContaining(policy: InspectionPolicy, atMs: number, timeZone: string): DateTime {
  const local = DateTime.fromMillis(atMs, { zone: timeZone }).startOf("day");
  if (policy.frequency === "weekly") {
    const target = WEEKDAYS.indexOf(policy.weekday) + 1;
    return local.minus({ days: (local.weekday - target + 7) % 7 });
  }
  if (policy.frequency === "monthly") return local.startOf("month");
  return local.day >= 16 ? local.set({ day: 16 }) : local.startOf("month");
}

/** The period containing an instant. */
export function periodAt(policy: InspectionPolicy, atMs: number, timeZone: string): InspectionPeriod {
  return periodStartingAt(policy, startOfPeriodContaining(policy, atMs, timeZone));
}

/** The period with a given key (its first local day), or null when no period starts that day. */
export function periodByKey(
  policy: InspectionPolicy,
  key: string,
  timeZone: string,
): InspectionPeriod | null {
  const start = DateTime.fromISO(key, { zone: timeZone });
  if (!start.isValid) return null;
  const period = periodAt(policy, start.toMillis(), timeZone);
  return period.key === key ? period : null;
}

/** Every period overlapping [fromMs, toMs), in order. */
export function periodsBetween(
  policy: InspectionPolicy,
  fromMs: number,
  toMs: number,
  timeZone: string,
): InspectionPeriod[] {
  const periods: InspectionPeriod[] = [];
  let start = startOfPeriodContaining(policy, fromMs, timeZone);
  while (start.toMillis() < toMs) {
    const period = periodStartingAt(policy, start);
    periods.push(period);
    start = DateTime.fromMillis(period.endMs, { zone: timeZone });
  }
  return periods;
}

/** The last local day on which the period's inspection is on time (its due time is the end of that day). */
export function dueDay(period: Pick<InspectionPeriod, "dueMs">, timeZone: string): string {
  return DateTime.fromMillis(period.dueMs - 1, { zone: timeZone }).toISODate() as string;
}
