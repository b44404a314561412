import type { DeviceKind, TelemetryValuesByKind } from "../../contract/index.js";
import { RULES_BY_KIND } from "./rules/index.js";
import type {
  ConditionState,
  DeviceConditionStates,
  FaultSignal,
  RuleContext,
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

/** No signals: shared, so the usual evaluation (nothing changes) allocates no list. */
const NO_SIGNALS = Object.freeze([]) as unknown as FaultSignal[];

/**
 * Evaluates every value rule of one device against its latest values at `nowMs`. Call it on each new
 * reading and on a periodic tick (with the same latest values) so that "for 30 s" durations elapse even
 * when the device reports rarely. Pure: returns the new condition states and the signals to apply.
 * It runs for every reading: no object per rule (one context reused across the rules, the step's outcome in
 * two variables), and lists only when something changed.
 */
export function evaluateValues<K extends DeviceKind>(
  input: ValueEvaluationInput<K>,
  prior: Readonly<DeviceConditionStates>,
  nowMs: number,
): { states: DeviceConditionStates; signals: FaultSignal[]; changed: boolean } {
  let states: DeviceConditionStates = prior as DeviceConditionStates;
  let changed = false;
  let signals = NO_SIGNALS;
  const ctx: RuleContext<K> = { values: input.values, params: EMPTY_PARAMS };
  for (const definition of RULES_BY_KIND[input.kind] as readonly RuleDefinition<K>[]) {
    const settings = input.settings.get(definition.faultType);
    if (!settings) continue;
    const before = prior[definition.faultType] ?? IDLE;
    ctx.params = settings.params;
    const state = step(definition, settings, ctx, input.watched, before, nowMs);
    if (state !== before && !(state === IDLE && prior[definition.faultType] === undefined)) {
      if (!changed) states = { ...prior };
      changed = true;
      states[definition.faultType] = state;
    }
    if (stepSignal !== null) {
      if (signals === NO_SIGNALS) signals = [];
      signals.push(stepSignal);
      stepSignal = null;
    }
  }
  return { states, signals, changed };
}

const EMPTY_PARAMS: Record<string, number> = {};

/** The signal of the last step() (set by it, taken and reset by evaluateValues, all in one synchronous call). */
let stepSignal: FaultSignal | null = null;

/** One rule's next state; its signal, if any, in `stepSignal`. */
function step<K extends DeviceKind>(
  definition: RuleDefinition<K>,
  settings: RuleSettings,
  ctx: RuleContext<K>,
  watched: boolean,
  before: ConditionState,
  nowMs: number,
): ConditionState {
  const faultType = definition.faultType;
  const applies = settings.enabled && (watched || !definition.onlyWhenWatched);
  const observed = definition.observed ? definition.observed(ctx) : null;
  if (before.active) {
    if (!applies || definition.clear(ctx)) {
      stepSignal = { type: "clear", faultType, observed, atMs: nowMs };
      return IDLE;
    }
    if (observed !== before.lastObserved) {
      stepSignal = { type: "update", faultType, observed, atMs: nowMs };
      return { ...before, lastObserved: observed };
    }
    return before;
  }
  if (!applies || !definition.raise(ctx)) return before.pendingSinceMs === null ? before : IDLE;
  const pendingSinceMs = before.pendingSinceMs ?? nowMs;
  if (nowMs - pendingSinceMs >= settings.forSec * 1000) {
    stepSignal = { type: "raise", faultType, observed, atMs: nowMs };
    return { pendingSinceMs: null, active: true, lastObserved: observed };
  }
  return before.pendingSinceMs === null ? { ...before, pendingSinceMs } : before;
}

/** True when some condition waits for its duration, so the device needs ticks even without new data. */
export function hasPending(states: Readonly<DeviceConditionStates>): boolean {
  for (const faultType in states)
    if ((states[faultType] as ConditionState).pendingSinceMs !== null) return true;
  return false;
}
