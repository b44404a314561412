import { describe, expect, it } from "vitest";
import type { DeviceKind } from "../../../src/contract/index.js";
import { parseRulesConfig, resolveRuleSettings } from "../../../src/core/faults/config.js";
import { evaluateValues } from "../../../src/core/faults/evaluate.js";
import { RULES_BY_KIND } from "../../../src/core/faults/rules/index.js";
import type { DeviceConditionStates, FaultSignal } from "../../../src/core/faults/types.js";
import { CASES, charger, kiosk, tv } from "./cases.js";

const config = parseRulesConfig({});

function run(
  kind: DeviceKind,
  values: object,
  states: DeviceConditionStates,
  nowMs: number,
  watched = true,
  cfg = config,
) {
  return evaluateValues(
    { kind, values: values as never, settings: resolveRuleSettings(cfg, kind, "h", "d"), watched },
    states,
    nowMs,
  );
}
const of = (signals: FaultSignal[], faultType: string) =>
  signals.filter((s) => s.faultType === faultType).map((s) => s.type);

describe("fault rules", () => {
  it("covers every rule of every kind with a case", () => {
    const covered = new Set(CASES.map((c) => `${c.kind}.${c.faultType}`));
    for (const [kind, rules] of Object.entries(RULES_BY_KIND)) {
      for (const r of rules) expect(covered, `${kind}.${r.faultType}`).toContain(`${kind}.${r.faultType}`);
    }
  });

  it.each(CASES.map((c) => [`${c.kind} ${c.faultType}`, c] as const))(
    "%s: raised after its duration, not before; cleared only past the hysteresis",
    (_name, c) => {
      const t0 = 1_000_000;
      let s = run(c.kind, c.healthy, {}, t0).states;
      expect(of(run(c.kind, c.healthy, s, t0).signals, c.faultType)).toEqual([]);
      // The condition starts holding.
      let r = run(c.kind, c.bad, s, t0 + 1000);
      if (c.forSec > 0) {
        expect(of(r.signals, c.faultType)).toEqual([]);
        s = r.states;
        r = run(c.kind, c.bad, s, t0 + 1000 + c.forSec * 1000 - 1);
        expect(of(r.signals, c.faultType)).toEqual([]);
        s = r.states;
        // Survives a JSON round trip (persisted across a restart) and still raises on time.
        s = JSON.parse(JSON.stringify(s));
        r = run(c.kind, c.bad, s, t0 + 1000 + c.forSec * 1000);
      }
      expect(of(r.signals, c.faultType)).toEqual(["raise"]);
      s = r.states;
      // A repeat of the same reading does not raise again.
      r = run(c.kind, c.bad, s, t0 + 2_000_000);
      expect(of(r.signals, c.faultType)).not.toContain("raise");
      s = r.states;
      if (c.between) {
        r = run(c.kind, c.between, s, t0 + 2_001_000);
        expect(of(r.signals, c.faultType)).not.toContain("clear");
        s = r.states;
      }
      r = run(c.kind, c.healthy, s, t0 + 2_002_000);
      expect(of(r.signals, c.faultType)).toEqual(["clear"]);
      expect(run(c.kind, c.healthy, r.states, t0 + 2_003_000).signals).toEqual([]);
    },
  );

  it.each(CASES.map((c) => [`${c.kind} ${c.faultType}`, c] as const))(
    "%s: default severity and audience",
    (_name, c) => {
      const s = resolveRuleSettings(config, c.kind, "h", "d").get(c.faultType);
      expect(s).toMatchObject({ severity: c.severity, audience: c.audience, forSec: c.forSec });
    },
  );

  it("resets a pending duration when the condition stops holding", () => {
    let s = run("charger", { ...charger, enclosureTempC: 58 }, {}, 0).states;
    s = run("charger", charger, s, 20_000).states;
    expect(of(run("charger", { ...charger, enclosureTempC: 58 }, s, 31_000).signals, "overheat")).toEqual([]);
  });

  it("reports a moving value of an active fault as an update", () => {
    let r = run("charger", { ...charger, enclosureTempC: 58 }, {}, 0);
    r = run("charger", { ...charger, enclosureTempC: 58 }, r.states, 30_000);
    expect(of(r.signals, "overheat")).toEqual(["raise"]);
    r = run("charger", { ...charger, enclosureTempC: 61 }, r.states, 31_000);
    expect(r.signals.find((x) => x.faultType === "overheat")).toMatchObject({ type: "update", observed: 61 });
  });

  it("raises a TV that is not on only while it is expected up", () => {
    const off = { ...tv, power: "off", signalOk: false };
    let r = run("tv", off, {}, 0, false);
    r = run("tv", off, r.states, 120_000, false);
    expect(of(r.signals, "tv_not_on")).toEqual([]);
    r = run("tv", off, r.states, 130_000, true);
    r = run("tv", off, r.states, 190_000, true);
    expect(of(r.signals, "tv_not_on")).toEqual(["raise"]);
    // Closing time: the fault clears itself rather than staying open all night.
    expect(of(run("tv", off, r.states, 200_000, false).signals, "tv_not_on")).toEqual(["clear"]);
  });

  it("applies overrides per kind, then hall, then device", () => {
    const cfg = parseRulesConfig({
      kinds: { charger: { overheat: { params: { aboveC: 60 }, forSec: 0 } } },
      halls: { h: { charger: { overheat: { severity: "major" } } } },
      devices: { "h/d": { overheat: { audience: ["security"] } } },
    });
    const s = resolveRuleSettings(cfg, "charger", "h", "d").get("overheat");
    expect(s).toMatchObject({
      severity: "major",
      audience: ["security"],
      forSec: 0,
      params: { aboveC: 60, clearBelowC: 50 },
    });
    expect(resolveRuleSettings(cfg, "charger", "other-hall", "d").get("overheat")?.severity).toBe("critical");
    expect(
      of(run("charger", { ...charger, enclosureTempC: 58 }, {}, 0, true, cfg).signals, "overheat"),
    ).toEqual([]);
    expect(
      of(run("charger", { ...charger, enclosureTempC: 61 }, {}, 0, true, cfg).signals, "overheat"),
    ).toEqual(["raise"]);
  });

  it("disables a rule", () => {
    const cfg = parseRulesConfig({ kinds: { kiosk: { paper_low: { enabled: false } } } });
    expect(of(run("kiosk", { ...kiosk, paperPct: 5 }, {}, 0, true, cfg).signals, "paper_low")).toEqual([]);
  });

  it("lists every bad path of a rules file", () => {
    expect(() =>
      parseRulesConfig({
        kinds: { charger: { overheat: { params: { aboveF: 130 } }, meltdown: {} }, toaster: {} },
        halls: { h: { kiosk: { paper_low: { severity: "apocalyptic" } } } },
        escalation: { afterSecBySeverity: { critical: -1 } },
      }),
    ).toThrow(
      expect.objectContaining({
        problems: expect.arrayContaining([
          expect.stringContaining("kinds.charger.overheat.params.aboveF"),
          expect.stringContaining("kinds.charger.meltdown"),
          expect.stringContaining(`"toaster"`),
          expect.stringContaining("halls.h.kiosk.paper_low.severity"),
          expect.stringContaining("escalation.afterSecBySeverity.critical"),
        ]),
      }),
    );
  });

  it("does not call the player of a dark TV stalled (tv_not_on covers it, and at night nothing should)", () => {
    for (const power of ["off", "standby"]) {
      const dark = { ...tv, power, signalOk: false, playerHeartbeatAgeSec: 600 };
      expect(of(run("tv", dark, {}, 0, false).signals, "player_stalled"), power).toEqual([]);
    }
    const stalled = run("tv", { ...tv, playerHeartbeatAgeSec: 600 }, {}, 0);
    expect(of(stalled.signals, "player_stalled")).toEqual(["raise"]);
    const switchedOff = { ...tv, power: "off", signalOk: false, playerHeartbeatAgeSec: 600 };
    expect(of(run("tv", switchedOff, stalled.states, 1000).signals, "player_stalled")).toEqual(["clear"]);
  });

  const WATCHED_ONLY = ["kiosk.app_down", "tv.tv_not_on", "queue.app_down"];

  it("judges only 'off'-type faults of kinds that close with the hall by opening hours, never fire equipment", () => {
    const flagged = Object.values(RULES_BY_KIND)
      .flat()
      .filter((r) => r.onlyWhenWatched)
      .map((r) => `${r.kind}.${r.faultType}`);
    expect(flagged.sort()).toEqual([...WATCHED_ONLY].sort());
  });

  it.each(
    CASES.filter((c) => WATCHED_ONLY.includes(`${c.kind}.${c.faultType}`)).map(
      (c) => [`${c.kind} ${c.faultType}`, c] as const,
    ),
  )("%s: not raised outside opening hours, raised inside them, cleared at closing", (_name, c) => {
    const dueMs = c.forSec * 1000;
    let r = run(c.kind, c.bad, {}, 0, false);
    r = run(c.kind, c.bad, r.states, dueMs + 3_600_000, false);
    expect(of(r.signals, c.faultType)).toEqual([]);
    r = run(c.kind, c.bad, r.states, 4_000_000, true);
    r = run(c.kind, c.bad, r.states, 4_000_000 + dueMs, true);
    expect(of(r.signals, c.faultType)).toEqual(["raise"]);
    expect(of(run(c.kind, c.bad, r.states, 5_000_000, false).signals, c.faultType)).toEqual(["clear"]);
  });
});
