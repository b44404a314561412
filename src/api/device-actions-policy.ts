import type { DeviceKind } from "../contract/index.js";
import type { Role } from "../core/faults/types.js";

export const DEVICE_ACTIONS = [
  "identify",
  "set_report_interval",
  "restart_app",
  "reboot_host",
  "screenshot",
] as const;
export type DeviceAction = (typeof DEVICE_ACTIONS)[number];

/**
 * Who may ask for each action (admins always may); a role not listed may not (deny by default). The table is
 * repeated in docs/api.md.
 */
export const ACTION_ROLES: Record<DeviceAction, readonly Role[]> = {
  identify: ["floor_staff", "maintenance", "duty_manager"],
  set_report_interval: ["maintenance", "duty_manager"],
  restart_app: ["maintenance", "duty_manager"],
  screenshot: ["maintenance", "duty_manager"],
  reboot_host: ["maintenance"],
};

/** The kinds each action makes sense for; others are refused before anything is sent. */
export const ACTION_KINDS: Record<DeviceAction, readonly DeviceKind[] | "all"> = {
  identify: "all",
  set_report_interval: "all",
  restart_app: ["kiosk", "queue"],
  reboot_host: ["kiosk", "queue", "tv"],
  screenshot: ["kiosk", "tv"],
};

/** At most `max` requests of an action per device within `windowMs` (a reboot once in 10 minutes). */
export const ACTION_RATE_LIMITS: Record<DeviceAction, { max: number; windowMs: number }> = {
  identify: { max: 10, windowMs: 60_000 },
  set_report_interval: { max: 10, windowMs: 60_000 },
  screenshot: { max: 10, windowMs: 60_000 },
  restart_app: { max: 3, windowMs: 10 * 60_000 },
  reboot_host: { max: 1, windowMs: 10 * 60_000 },
};

export const actionFitsKind = (action: DeviceAction, kind: DeviceKind) => {
  const kinds = ACTION_KINDS[action];
  return kinds === "all" || kinds.includes(kind);
};

/** Sliding-window counts per device and action, in memory (a restart of Hallwatch forgets them). */
export class ActionRateLimiter {
  private readonly recent = new Map<string, number[]>();

  constructor(private readonly limits = ACTION_RATE_LIMITS) {}

  /** Counts the request and returns 0, or how many ms until one more is allowed. */
  take(deviceKey: string, action: DeviceAction, nowMs: number): number {
    const { max, windowMs } = this.limits[action];
    const key = `${deviceKey} ${action}`;
    const times = (this.recent.get(key) ?? []).filter((t) => t > nowMs - windowMs);
    if (times.length >= max) {
      this.recent.set(key, times);
      return (times[0] as number) + windowMs - nowMs;
    }
    times.push(nowMs);
    this.recent.set(key, times);
    return 0;
  }
}
