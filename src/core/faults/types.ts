import type { DeviceKind, TelemetryValuesByKind } from "../../contract/index.js";

export const SEVERITIES = ["critical", "major", "minor", "warning", "operational"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const ROLES = ["duty_manager", "floor_staff", "maintenance", "security", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** One rule's settings after defaults and overrides are merged. */
export interface RuleSettings {
  enabled: boolean;
  severity: Severity;
  audience: Role[];
  /** The raise condition must hold this long before the fault is raised. */
  forSec: number;
  /** Thresholds, named with their units (e.g. `aboveC`, `belowPct`). */
  params: Record<string, number>;
}

/** What a rule looks at: the latest valid values of one device of its kind. */
export interface RuleContext<K extends DeviceKind> {
  values: TelemetryValuesByKind[K];
  params: Record<string, number>;
}

/**
 * A fault rule: separate raise and clear conditions give hysteresis, so a value hovering at the threshold
 * does not flap. `observed` is the value shown on the alert (e.g. the temperature).
 */
export interface RuleDefinition<K extends DeviceKind = DeviceKind> {
  faultType: string;
  kind: K;
  defaults: Omit<RuleSettings, "enabled"> & { enabled?: boolean };
  raise(ctx: RuleContext<K>): boolean;
  clear(ctx: RuleContext<K>): boolean;
  observed?(ctx: RuleContext<K>): number | string | boolean | null;
  /** Text for people, English and Chinese; `value` is the observed value. */
  summary: { en: string; zh: string };
  /** Only evaluated while the device is expected up (e.g. a TV that is not on). */
  onlyWhenWatched?: boolean;
  /**
   * Problems with merged parameters, e.g. a clear threshold on the wrong side of the raise threshold (a value
   * could then both raise and clear, and the alert would open and resolve on every evaluation).
   */
  checkParams?(params: Record<string, number>): string[];
}

/** Per (device, fault type) tracking, plain JSON so pending durations survive a restart. */
export interface ConditionState {
  pendingSinceMs: number | null;
  active: boolean;
  lastObserved: number | string | boolean | null;
}

export type DeviceConditionStates = Record<string, ConditionState>;

export type FaultSignal =
  | { type: "raise"; faultType: string; observed: number | string | boolean | null; atMs: number }
  | { type: "update"; faultType: string; observed: number | string | boolean | null; atMs: number }
  | { type: "clear"; faultType: string; observed: number | string | boolean | null; atMs: number };
