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
 * It runs for every reading: one context for all the rules, each rule's signal read off its change of state,
 * and lists only when something changed.
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
    const observed = definition.observed ? definition.observed(ctx) : null;
    const state = step(definition, settings, ctx, input.watched, observed, before, nowMs);
    if (state !== before && !(state === IDLE && prior[definition.faultType] === undefined)) {
      if (!changed) states = { ...prior };
      changed = true;
      states[definition.faultType] = state;
    }
    const type = signalOf(before, state);
    if (type !== null) {
      if (signals === NO_SIGNALS) signals = [];
      signals.push({ type, faultType: definition.faultType, observed, atMs: nowMs });
    }
  }
  return { states, signals, changed };
}

const EMPTY_PARAMS: Record<string, number> = {};

/** What a rule's change of state says: raised, cleared, or active with another observed value. */
function signalOf(before: ConditionState, after: ConditionState): FaultSignal["type"] | null {
  if (before.active) return after.active ? (after === before ? null : "update") : "clear";
  return after.active ? "raise" : null;
}

/** One rule's next state. */
function step<K extends DeviceKind>(
  definition: RuleDefinition<K>,
  settings: RuleSettings,
  ctx: RuleContext<K>,
  watched: boolean,
  observed: ConditionState["lastObserved"],
  before: ConditionState,
  nowMs: number,
): ConditionState {
  const applies = settings.enabled && (watched || !definition.onlyWhenWatched);
  if (before.active) {
    if (!applies || definition.clear(ctx)) return IDLE;
    return observed !== before.lastObserved ? { ...before, lastObserved: observed } : before;
  }
  if (!applies || !definition.raise(ctx)) return before.pendingSinceMs === null ? before : IDLE;
  const pendingSinceMs = before.pendingSinceMs ?? nowMs;
  if (nowMs - pendingSinceMs >= settings.forSec * 1000)
    return { pendingSinceMs: null, active: true, lastObserved: observed };
  return before.pendingSinceMs === null ? { ...before, pendingSinceMs } : before;
}

/** True when some condition waits for its duration, so the device needs ticks even without new data. */
export function hasPending(states: Readonly<DeviceConditionStates>): boolean {
  for (const faultType in states)
    if ((states[faultType] as ConditionState).pendingSinceMs !== null) return true;
  return false;
}
