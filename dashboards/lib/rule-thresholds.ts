import { ThresholdsConfigBuilder, ThresholdsMode } from "@grafana/grafana-foundation-sdk/dashboard";
import type { DeviceKind } from "../../src/contract/index.js";
import { RULES_BY_KIND } from "../../src/core/faults/rules/index.js";

/**
 * Panel thresholds taken from the fault rules' default parameters, so a dashboard line sits where the aggregator
 * raises the fault. Overrides per kind, hall or device (HALLWATCH_RULES) are not visible to Grafana: the panel
 * shows the shipped default, and its description says so.
 */
export function ruleParam(kind: DeviceKind, faultType: string, name: string): number {
  const rule = RULES_BY_KIND[kind].find((r) => r.faultType === faultType);
  if (!rule) throw new Error(`no fault rule ${kind}.${faultType}`);
  const value = rule.defaults.params[name];
  if (value === undefined) throw new Error(`fault rule ${kind}.${faultType} has no parameter ${name}`);
  return value;
}

const GREEN = "green";
const RED = "red";

const steps = (list: Array<{ value: number | null; color: string }>) =>
  new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(list);

/** Red from `limit` up: the fault raises above it (temperature, disk, latency, waiting customers). */
export const redAbove = (limit: number): ThresholdsConfigBuilder =>
  steps([
    { value: null, color: GREEN },
    { value: limit, color: RED },
  ]);

/** Red below `limit`: the fault raises under it (paper, battery, hydrant pressure). */
export const redBelow = (limit: number): ThresholdsConfigBuilder =>
  steps([
    { value: null, color: RED },
    { value: limit, color: GREEN },
  ]);

/** Green between `min` and `max`, red outside: an extinguisher's pressure zone. */
export const greenBetween = (min: number, max: number): ThresholdsConfigBuilder =>
  steps([
    { value: null, color: RED },
    { value: min, color: GREEN },
    { value: max, color: RED },
  ]);

export const RULE_DEFAULTS_NOTE =
  "Threshold: the fault rule's shipped default; per-hall or per-device overrides are not shown.";
