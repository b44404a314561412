import type { DeviceKind, TelemetryValuesByKind } from "../../contract/index.js";
import type { Connectivity } from "../presence/types.js";
import { evaluateValues } from "./evaluate.js";
import { RULES_BY_KIND } from "./rules/index.js";
import type { DeviceConditionStates, FaultSignal, RuleSettings } from "./types.js";

export interface DeviceEvaluationInput<K extends DeviceKind = DeviceKind> {
  hallId: string;
  deviceId: string;
  agentId: string;
  kind: K;
  connectivity: Connectivity;
  /** The latest live reading; undefined before the first one (e.g. just after a restart). */
  values: TelemetryValuesByKind[K] | undefined;
  /** Expected up now: inside opening hours, or a kind watched around the clock. */
  watched: boolean;
  /** From `resolveRuleSettings(config, kind, hallId, deviceId)`; cache it per device. */
  settings: ReadonlyMap<string, RuleSettings>;
}

export interface DeviceEvaluation {
  /** Persist when `changed` (plain JSON): pending durations then resume after a restart. */
  state: DeviceConditionStates;
  signals: FaultSignal[];
  changed: boolean;
}

const UNCHANGED = (state: DeviceConditionStates): DeviceEvaluation => ({
  state,
  signals: [],
  changed: false,
});

/**
 * The value faults of one device at `nowMs`. Only an online device with a reading is judged in full:
 * - `unknown` (the aggregator cannot see the hall) raises nothing, clears nothing and keeps pending durations;
 * - `offline`: its last values are stale, so faults are frozen as they were — except that rules which only apply
 *   while the device is expected up (tv_not_on) clear when it no longer is, so a TV switched off at closing time
 *   does not keep its alert all night.
 * The `offline` fault itself depends on the hall (dead agent, gateway down): see `hallConnectivity`.
 */
export function evaluateDevice<K extends DeviceKind>(
  input: DeviceEvaluationInput<K>,
  prior: Readonly<DeviceConditionStates>,
  nowMs: number,
): DeviceEvaluation {
  const state = prior as DeviceConditionStates;
  if (input.values === undefined || input.connectivity === "unknown") return UNCHANGED(state);
  let settings = input.settings;
  if (input.connectivity === "offline") {
    if (input.watched) return UNCHANGED(state);
    const watchedOnly = new Set(
      RULES_BY_KIND[input.kind].filter((r) => r.onlyWhenWatched).map((r) => r.faultType),
    );
    settings = new Map([...input.settings].filter(([faultType]) => watchedOnly.has(faultType)));
  }
  const r = evaluateValues(
    { kind: input.kind, values: input.values, settings, watched: input.watched },
    prior,
    nowMs,
  );
  return { state: r.states, signals: r.signals, changed: r.changed };
}

/**
 * Time-only progress: durations elapse and watched-only rules follow opening hours without a new reading.
 * Call it periodically (e.g. every second) for devices with `hasPending(state)`, and for every device when its
 * hall opens or closes. Same rules as `evaluateDevice`, with the latest values.
 */
export const tickDevice = evaluateDevice;
