import type { DeviceKind, TelemetryValuesByKind } from "../../contract/index.js";
import { RULES_BY_KIND } from "./rules/index.js";
import type {
  ConditionState,
  DeviceConditionStates,
  FaultSignal,
  RuleDefinition,
  RuleSettings,
} from "./types.js";

export interface ValueEvaluationInput<K extends DeviceKind> {
  kind: K;
  values: TelemetryValuesByKind[K];
  settings: ReadonlyMap<string, RuleSettings>;
  /** Is the device expected up now (opening hours, or watched around the clock)? */
  watched: boolean;
}

const IDLE: ConditionState = { pendingSinceMs: null, active: false, lastObserved: null };

/**
 * Evaluates every value rule of one device against its latest values at `nowMs`. Call it on each new
 * reading and on a periodic tick (with the same latest values) so that "for 30 s" durations elapse even
 * when the device reports rarely. Pure: returns the new condition states and the signals to apply.
 */
export function evaluateValues<K extends DeviceKind>(
  input: ValueEvaluationInput<K>,
  prior: Readonly<DeviceConditionStates>,
  nowMs: number,
): { states: DeviceConditionStates; signals: FaultSignal[]; changed: boolean } {
  let states: DeviceConditionStates = prior as DeviceConditionStates;
  let changed = false;
  const signals: FaultSignal[] = [];
  for (const definition of RULES_BY_KIND[input.kind] as readonly RuleDefinition<K>[]) {
    const settings = input.settings.get(definition.faultType);
    if (!settings) continue;
    const before = prior[definition.faultType] ?? IDLE;
    const { state, signal } = step(definition, settings, input, before, nowMs);
    if (state !== before && !(state === IDLE && prior[definition.faultType] === undefined)) {
      if (!changed) states = { ...prior };
      changed = true;
      states[definition.faultType] = state;
    }
    if (signal) signals.push(signal);
  }
  return { states, signals, changed };
}

function step<K extends DeviceKind>(
  definition: RuleDefinition<K>,
  settings: RuleSettings,
  input: ValueEvaluationInput<K>,
  before: ConditionState,
  nowMs: number,
): { state: ConditionState; signal: FaultSignal | null } {
  const ctx = { values: input.values, params: settings.params };
  const faultType = definition.faultType;
  const applies = settings.enabled && (input.watched || !definition.onlyWhenWatched);
  const observed = definition.observed ? definition.observed(ctx) : null;
  if (before.active) {
    if (!applies || definition.clear(ctx)) {
      return { state: IDLE, signal: { type: "clear", faultType, observed, atMs: nowMs } };
    }
    if (observed !== before.lastObserved) {
      return {
        state: { ...before, lastObserved: observed },
        signal: { type: "update", faultType, observed, atMs: nowMs },
      };
    }
    return { state: before, signal: null };
  }
  if (!applies || !definition.raise(ctx)) {
    return { state: before.pendingSinceMs === null ? before : IDLE, signal: null };
  }
  const pendingSinceMs = before.pendingSinceMs ?? nowMs;
  if (nowMs - pendingSinceMs >= settings.forSec * 1000) {
    return {
      state: { pendingSinceMs: null, active: true, lastObserved: observed },
      signal: { type: "raise", faultType, observed, atMs: nowMs },
    };
  }
  return { state: before.pendingSinceMs === null ? { ...before, pendingSinceMs } : before, signal: null };
}

/** True when some condition waits for its duration, so the device needs ticks even without new data. */
export function hasPending(states: Readonly<DeviceConditionStates>): boolean {
  return Object.values(states).some((s) => s.pendingSinceMs !== null);
}
