import { z } from "zod";
import { type DeviceKind, deviceIdSchema, deviceKindSchema } from "../../contract/index.js";
import { type Interval, normalize } from "../uptime/intervals.js";
import { recurrenceIntervals, recurrenceSchema } from "./recurrence.js";

export { type Recurrence, recurrenceSchema } from "./recurrence.js";

export const maintenanceScopeSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("hall") }),
  z.strictObject({ type: z.literal("kind"), kind: deviceKindSchema }),
  z.strictObject({ type: z.literal("device"), deviceId: deviceIdSchema }),
]);
export type MaintenanceScope = z.infer<typeof maintenanceScopeSchema>;

/** A planned maintenance period: alerts are still recorded but not notified, and the time is not counted in uptime. */
export const maintenanceWindowSchema = z.strictObject({
  scope: maintenanceScopeSchema,
  recurrence: recurrenceSchema,
  /** Why (shown with alerts raised in the window and in reports). */
  reason: z.string().trim().min(1).max(500),
});
export type MaintenanceWindowInput = z.infer<typeof maintenanceWindowSchema>;

/** A stored window: the input plus its hall, who planned it and when. */
export interface MaintenanceWindow extends MaintenanceWindowInput {
  id: string;
  hallId: string;
  createdBy: string;
  createdMs: number;
  /**
   * When the window was removed: it has no period from then on, but keeps its past ones so that uptime of past
   * ranges does not change when a window is deleted. Absent or null: not removed.
   */
  removedMs?: number | null;
}

/** The device a window may apply to. */
export interface MaintenanceTarget {
  hallId: string;
  deviceId: string;
  kind: DeviceKind;
}

export function appliesTo(window: MaintenanceWindow, target: MaintenanceTarget): boolean {
  if (window.hallId !== target.hallId) return false;
  switch (window.scope.type) {
    case "hall":
      return true;
    case "kind":
      return window.scope.kind === target.kind;
    case "device":
      return window.scope.deviceId === target.deviceId;
  }
}

/** The periods of one window (whatever its scope) that overlap [fromMs, toMs), in the hall's time zone. */
export function windowIntervals(
  window: MaintenanceWindow,
  timeZone: string,
  fromMs: number,
  toMs: number,
): Interval[] {
  const endMs = window.removedMs == null ? toMs : Math.min(toMs, window.removedMs);
  return recurrenceIntervals(window.recurrence, timeZone, fromMs, endMs);
}

/** The windows that apply to the target and cover the instant `atMs` (to say who planned it and why). */
export function windowsCovering(
  windows: readonly MaintenanceWindow[],
  target: MaintenanceTarget,
  timeZone: string,
  atMs: number,
): MaintenanceWindow[] {
  return windows.filter(
    (w) => appliesTo(w, target) && windowIntervals(w, timeZone, atMs, atMs + 1).length > 0,
  );
}

/** Every maintenance period of the target within [fromMs, toMs), merged and sorted. */
export function maintenanceIntervals(
  windows: readonly MaintenanceWindow[],
  target: MaintenanceTarget,
  timeZone: string,
  fromMs: number,
  toMs: number,
): Interval[] {
  return normalize(
    windows.filter((w) => appliesTo(w, target)).flatMap((w) => windowIntervals(w, timeZone, fromMs, toMs)),
  );
}

/** @deprecated Same as {@link maintenanceIntervals}; kept for existing callers. */
export const maintenanceFor = maintenanceIntervals;

export function inMaintenance(
  windows: readonly MaintenanceWindow[],
  target: MaintenanceTarget,
  timeZone: string,
  atMs: number,
): boolean {
  return windowsCovering(windows, target, timeZone, atMs).length > 0;
}
