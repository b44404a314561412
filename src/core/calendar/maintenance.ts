import { CronExpressionParser } from "cron-parser";
import { DateTime } from "luxon";
import { z } from "zod";
import { type DeviceKind, deviceIdSchema, deviceKindSchema } from "../../contract/index.js";
import type { Interval } from "../uptime/intervals.js";
import { normalize } from "../uptime/intervals.js";
import { WEEKDAYS } from "./opening-hours.js";

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "HH:mm");
const durationMin = z
  .number()
  .int()
  .min(1)
  .max(7 * 24 * 60);

export const maintenanceScopeSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("hall") }),
  z.strictObject({ type: z.literal("kind"), kind: deviceKindSchema }),
  z.strictObject({ type: z.literal("device"), deviceId: deviceIdSchema }),
]);

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
    expression: z.string().refine((e) => {
      try {
        CronExpressionParser.parse(e);
        return true;
      } catch {
        return false;
      }
    }, "not a valid cron expression"),
    durationMin,
  }),
]);

/** A planned maintenance period: alerts are still recorded but not notified, and the time is not counted in uptime. */
export const maintenanceWindowSchema = z.strictObject({
  scope: maintenanceScopeSchema,
  recurrence: recurrenceSchema,
  reason: z.string().trim().min(1).max(500),
});
export type MaintenanceWindowInput = z.infer<typeof maintenanceWindowSchema>;

export interface MaintenanceWindow extends MaintenanceWindowInput {
  id: string;
  hallId: string;
  createdBy: string;
  createdMs: number;
}

export function appliesTo(
  window: MaintenanceWindow,
  device: { hallId: string; deviceId: string; kind: DeviceKind },
): boolean {
  if (window.hallId !== device.hallId) return false;
  switch (window.scope.type) {
    case "hall":
      return true;
    case "kind":
      return window.scope.kind === device.kind;
    case "device":
      return window.scope.deviceId === device.deviceId;
  }
}

const minutes = (hhmm: string) => {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  return { hour: h, minute: m };
};

/** The periods of one window that overlap [fromMs, toMs), in the hall's time zone. */
export function windowIntervals(
  window: MaintenanceWindow,
  timeZone: string,
  fromMs: number,
  toMs: number,
): Interval[] {
  const r = window.recurrence;
  if (r.type === "once")
    return r.endMs > fromMs && r.startMs < toMs
      ? [[Math.max(fromMs, r.startMs), Math.min(toMs, r.endMs)]]
      : [];
  const lengthMs = r.durationMin * 60_000;
  const starts: number[] = [];
  if (r.type === "cron") {
    const it = CronExpressionParser.parse(r.expression, {
      currentDate: new Date(fromMs - lengthMs - 1),
      tz: timeZone,
    });
    for (let i = 0; i < 10_000; i++) {
      const next = it.next().getTime();
      if (next >= toMs) break;
      starts.push(next);
    }
  } else {
    let day = DateTime.fromMillis(fromMs - lengthMs, { zone: timeZone }).startOf("day");
    const last = DateTime.fromMillis(toMs, { zone: timeZone });
    while (day <= last) {
      const matches =
        r.type === "daily" ||
        (r.type === "weekly" &&
          r.weekdays.includes(WEEKDAYS[day.weekday - 1] as (typeof WEEKDAYS)[number])) ||
        (r.type === "monthly" && day.day === r.dayOfMonth);
      if (matches) starts.push(day.set({ ...minutes(r.start), second: 0, millisecond: 0 }).toMillis());
      day = day.plus({ days: 1 });
    }
  }
  return normalize(
    starts
      .map((s): Interval => [Math.max(fromMs, s), Math.min(toMs, s + lengthMs)])
      .filter(([a, b]) => b > a),
  );
}

/** Every maintenance period of a device within [fromMs, toMs). */
export function maintenanceFor(
  windows: readonly MaintenanceWindow[],
  device: { hallId: string; deviceId: string; kind: DeviceKind },
  timeZone: string,
  fromMs: number,
  toMs: number,
): Interval[] {
  return normalize(
    windows.filter((w) => appliesTo(w, device)).flatMap((w) => windowIntervals(w, timeZone, fromMs, toMs)),
  );
}

export function inMaintenance(
  windows: readonly MaintenanceWindow[],
  device: { hallId: string; deviceId: string; kind: DeviceKind },
  timeZone: string,
  nowMs: number,
): boolean {
  return maintenanceFor(windows, device, timeZone, nowMs, nowMs + 1).length > 0;
}
