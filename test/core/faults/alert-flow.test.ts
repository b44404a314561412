import { describe, expect, it } from "vitest";
import { type Alert, autoResolve, isLifecycleError, observe, raise } from "../../../src/core/alerts/alert.js";
import { parseRulesConfig, resolveRuleSettings } from "../../../src/core/faults/config.js";
import { evaluateValues } from "../../../src/core/faults/evaluate.js";
import type { DeviceConditionStates } from "../../../src/core/faults/types.js";
import { CASES, type FaultCase } from "./cases.js";

const MIN = 60_000;
const FLAP_WINDOW_MS = 10 * MIN;
const config = parseRulesConfig({});

/**
 * What the aggregator does for one device and one fault type, with a fake clock: evaluate the rules, then apply
 * the signal to the latest alert of that (device, fault type). `alerts` keeps every alert ever created.
 */
function harness(c: FaultCase) {
  const settings = resolveRuleSettings(config, c.kind, "h1", "d1");
  let states: DeviceConditionStates = {};
  let latest: Alert | null = null;
  const alerts = new Map<string, Alert>();
  let nextId = 1;
  const feed = (values: object, nowMs: number) => {
    const r = evaluateValues(
      { kind: c.kind, values: values as never, settings, watched: true },
      states,
      nowMs,
    );
    states = r.states;
    const actions: string[] = [];
    for (const signal of r.signals.filter((s) => s.faultType === c.faultType)) {
      if (signal.type === "raise") {
        const t = raise(
          latest,
          {
            key: `h1/device/d1/${c.faultType}`,
            hallId: "h1",
            deviceId: "d1",
            agentId: "a1",
            kind: c.kind,
            faultType: c.faultType,
            severity: settings.get(c.faultType)!.severity,
            audience: settings.get(c.faultType)!.audience,
            summary: { en: "", zh: "" },
            observed: signal.observed,
            affected: ["d1"],
          },
          nowMs,
          FLAP_WINDOW_MS,
          `alert-${nextId++}`,
        );
        latest = t.alert;
        actions.push(t.entry.action);
      } else if (latest && signal.type === "update") {
        latest = observe(latest, signal.observed, nowMs).alert;
        actions.push("observed");
      } else if (latest && signal.type === "clear") {
        const t = autoResolve(latest, nowMs);
        if (isLifecycleError(t)) throw new Error(t.message);
        latest = t.alert;
        actions.push("resolved");
      }
    }
    if (latest) alerts.set(latest.id, latest);
    return actions;
  };
  /** Holds a reading for the rule's duration (one reading at the start, one when it is due). */
  const hold = (values: object, fromMs: number) => {
    const first = feed(values, fromMs);
    return c.forSec > 0 ? [...first, ...feed(values, fromMs + c.forSec * 1000)] : first;
  };
  return {
    feed,
    hold,
    alerts,
    latest: () => latest,
    forgetConditions: () => {
      states = {};
    },
  };
}

describe.each(CASES.map((c) => [`${c.kind} ${c.faultType}`, c] as const))("%s", (_name, c) => {
  it("a repeat updates the one alert; it resolves only on the clear condition", () => {
    const h = harness(c);
    expect(h.hold(c.bad, 0)).toEqual(["opened"]);
    // The same reading again, many times: no new alert.
    for (let i = 1; i <= 5; i++) expect(h.feed(c.bad, c.forSec * 1000 + i * 1000)).toEqual([]);
    // A raise of the still-active fault (e.g. condition state lost in a crash) updates, never duplicates.
    h.forgetConditions();
    h.hold(c.bad, 10 * MIN);
    expect(h.alerts.size).toBe(1);
    expect(h.latest()).toMatchObject({ id: "alert-1", status: "open", count: 2, flapping: false });
    // Back at the raise threshold, or between the thresholds: a new value of the same alert, not a clear.
    if (c.atThreshold) expect(h.feed(c.atThreshold, 11 * MIN)).not.toContain("resolved");
    if (c.between) expect(h.feed(c.between, 12 * MIN)).not.toContain("resolved");
    expect(h.latest()?.status).toBe("open");
    expect(h.feed(c.healthy, 13 * MIN)).toEqual(["resolved"]);
    expect(h.latest()).toMatchObject({ status: "resolved", resolved: { by: "auto", atMs: 13 * MIN } });
  });

  it("comes back within the flap window: the same alert reopens, marked flapping", () => {
    const h = harness(c);
    h.hold(c.bad, 0);
    h.feed(c.healthy, MIN);
    expect(h.hold(c.bad, MIN + FLAP_WINDOW_MS - c.forSec * 1000 - 1000)).toEqual(["reopened"]);
    expect(h.alerts.size).toBe(1);
    expect(h.latest()).toMatchObject({ id: "alert-1", status: "open", flapping: true, reopenCount: 1 });
  });

  it("comes back after the flap window: a new alert", () => {
    const h = harness(c);
    h.hold(c.bad, 0);
    h.feed(c.healthy, MIN);
    expect(h.hold(c.bad, MIN + FLAP_WINDOW_MS + 1000)).toEqual(["opened"]);
    expect([...h.alerts.keys()]).toEqual(["alert-1", "alert-2"]);
    expect(h.latest()).toMatchObject({ id: "alert-2", flapping: false, reopenCount: 0, count: 1 });
  });
});

const THRESHOLD_CASES = CASES.filter((c) => c.atThreshold !== undefined);

it.each(THRESHOLD_CASES.map((c) => [`${c.kind} ${c.faultType}`, c] as const))(
  "%s: exactly at the raise threshold raises nothing, however long",
  (_name, c) => {
    const h = harness(c);
    for (let t = 0; t <= 2 * c.forSec * 1000 + MIN; t += 10_000)
      expect(h.feed(c.atThreshold!, t)).toEqual([]);
    expect(h.alerts.size).toBe(0);
  },
);
