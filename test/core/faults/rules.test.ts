import { describe, expect, it } from "vitest";
import type { DeviceKind } from "../../../src/contract/index.js";
import { parseRulesConfig, resolveRuleSettings } from "../../../src/core/faults/config.js";
import { evaluateValues } from "../../../src/core/faults/evaluate.js";
import { RULES_BY_KIND } from "../../../src/core/faults/rules/index.js";
import type { DeviceConditionStates, FaultSignal } from "../../../src/core/faults/types.js";

const kiosk = {
  appOk: true,
  screenOk: true,
  touchOk: true,
  printerState: "ok",
  paperPct: 80,
  cardReaderOk: true,
  cpuPct: 10,
  memPct: 40,
  diskPct: 50,
};
const port = (state: string) => ({ port: 1, state, currentA: 0, voltageV: 5 });
const charger = {
  ports: [port("idle"), port("idle"), port("idle"), port("idle")],
  enclosureTempC: 35,
  totalPowerW: 10,
};
const tv = { power: "on", signalOk: true, playerHeartbeatAgeSec: 3 };
const queue = {
  appOk: true,
  printerState: "ok",
  paperPct: 70,
  waitingTotal: 5,
  longestWaitSec: 300,
  countersOpen: 4,
  displaysOk: true,
  voiceOk: true,
};
const ext = { pressureMpa: 1.2, present: true, obstructed: false, sealIntact: true, batteryPct: 80 };
const hydrant = { doorOpen: false, pressureMpa: 0.35, hosePresent: true, batteryPct: 80 };
const gateway = { uplinkOk: true, latencyMs: 20, packetLossPct: 0, sensorsOnline: 10 };

interface Case {
  kind: DeviceKind;
  faultType: string;
  healthy: object;
  /** Raises the fault. */
  bad: object;
  /** Still past the clear threshold but not healthy: must NOT clear (hysteresis). Null when the rule is binary. */
  between: object | null;
  severity: string;
  audience: string[];
  forSec: number;
}

const CASES: Case[] = [
  {
    kind: "kiosk",
    faultType: "printer_jam",
    healthy: kiosk,
    bad: { ...kiosk, printerState: "jam" },
    between: null,
    severity: "major",
    audience: ["floor_staff"],
    forSec: 0,
  },
  {
    kind: "kiosk",
    faultType: "paper_out",
    healthy: kiosk,
    bad: { ...kiosk, printerState: "paper_out", paperPct: 0 },
    between: null,
    severity: "major",
    audience: ["floor_staff"],
    forSec: 0,
  },
  {
    kind: "kiosk",
    faultType: "paper_low",
    healthy: kiosk,
    bad: { ...kiosk, paperPct: 10 },
    between: { ...kiosk, paperPct: 17 },
    severity: "warning",
    audience: ["floor_staff"],
    forSec: 0,
  },
  {
    kind: "kiosk",
    faultType: "printer_fault",
    healthy: kiosk,
    bad: { ...kiosk, printerState: "cover_open" },
    between: null,
    severity: "minor",
    audience: ["floor_staff"],
    forSec: 30,
  },
  {
    kind: "kiosk",
    faultType: "app_down",
    healthy: kiosk,
    bad: { ...kiosk, appOk: false },
    between: null,
    severity: "critical",
    audience: ["duty_manager", "maintenance"],
    forSec: 60,
  },
  {
    kind: "kiosk",
    faultType: "disk_high",
    healthy: kiosk,
    bad: { ...kiosk, diskPct: 95 },
    between: { ...kiosk, diskPct: 88 },
    severity: "warning",
    audience: ["maintenance"],
    forSec: 0,
  },
  {
    kind: "kiosk",
    faultType: "screen_fault",
    healthy: kiosk,
    bad: { ...kiosk, touchOk: false },
    between: null,
    severity: "major",
    audience: ["maintenance"],
    forSec: 30,
  },
  {
    kind: "kiosk",
    faultType: "card_reader_fault",
    healthy: kiosk,
    bad: { ...kiosk, cardReaderOk: false },
    between: null,
    severity: "major",
    audience: ["maintenance"],
    forSec: 30,
  },
  {
    kind: "charger",
    faultType: "overheat",
    healthy: charger,
    bad: { ...charger, enclosureTempC: 58 },
    between: { ...charger, enclosureTempC: 52 },
    severity: "critical",
    audience: ["duty_manager", "security"],
    forSec: 30,
  },
  {
    kind: "charger",
    faultType: "port_fault",
    healthy: charger,
    bad: { ...charger, ports: [port("fault"), port("idle"), port("idle"), port("idle")] },
    between: null,
    severity: "minor",
    audience: ["maintenance"],
    forSec: 0,
  },
  {
    kind: "charger",
    faultType: "ports_half_fault",
    healthy: charger,
    bad: { ...charger, ports: [port("fault"), port("fault"), port("idle"), port("idle")] },
    between: null,
    severity: "major",
    audience: ["maintenance"],
    forSec: 0,
  },
  {
    kind: "tv",
    faultType: "tv_not_on",
    healthy: tv,
    bad: { ...tv, power: "off", signalOk: false },
    between: null,
    severity: "major",
    audience: ["duty_manager", "maintenance"],
    forSec: 60,
  },
  {
    kind: "tv",
    faultType: "no_signal",
    healthy: tv,
    bad: { ...tv, signalOk: false },
    between: null,
    severity: "major",
    audience: ["maintenance"],
    forSec: 60,
  },
  {
    kind: "tv",
    faultType: "player_stalled",
    healthy: tv,
    bad: { ...tv, playerHeartbeatAgeSec: 300 },
    between: { ...tv, playerHeartbeatAgeSec: 90 },
    severity: "major",
    audience: ["maintenance"],
    forSec: 0,
  },
  {
    kind: "queue",
    faultType: "printer_jam",
    healthy: queue,
    bad: { ...queue, printerState: "jam" },
    between: null,
    severity: "critical",
    audience: ["floor_staff", "duty_manager"],
    forSec: 0,
  },
  {
    kind: "queue",
    faultType: "paper_out",
    healthy: queue,
    bad: { ...queue, printerState: "paper_out", paperPct: 0 },
    between: null,
    severity: "critical",
    audience: ["floor_staff", "duty_manager"],
    forSec: 0,
  },
  {
    kind: "queue",
    faultType: "paper_low",
    healthy: queue,
    bad: { ...queue, paperPct: 9 },
    between: { ...queue, paperPct: 18 },
    severity: "warning",
    audience: ["floor_staff"],
    forSec: 0,
  },
  {
    kind: "queue",
    faultType: "display_fault",
    healthy: queue,
    bad: { ...queue, displaysOk: false },
    between: null,
    severity: "major",
    audience: ["maintenance"],
    forSec: 0,
  },
  {
    kind: "queue",
    faultType: "voice_fault",
    healthy: queue,
    bad: { ...queue, voiceOk: false },
    between: null,
    severity: "major",
    audience: ["maintenance"],
    forSec: 0,
  },
  {
    kind: "queue",
    faultType: "app_down",
    healthy: queue,
    bad: { ...queue, appOk: false },
    between: null,
    severity: "critical",
    audience: ["duty_manager", "maintenance"],
    forSec: 60,
  },
  {
    kind: "queue",
    faultType: "congestion",
    healthy: queue,
    bad: { ...queue, waitingTotal: 25 },
    between: { ...queue, waitingTotal: 18 },
    severity: "operational",
    audience: ["floor_staff", "duty_manager"],
    forSec: 0,
  },
  {
    kind: "extinguisher",
    faultType: "removed",
    healthy: ext,
    bad: { ...ext, present: false },
    between: null,
    severity: "critical",
    audience: ["security", "duty_manager"],
    forSec: 0,
  },
  {
    kind: "extinguisher",
    faultType: "pressure_out_of_zone",
    healthy: ext,
    bad: { ...ext, pressureMpa: 0.8 },
    between: { ...ext, pressureMpa: 1.01 },
    severity: "critical",
    audience: ["security", "maintenance"],
    forSec: 0,
  },
  {
    kind: "extinguisher",
    faultType: "obstructed",
    healthy: ext,
    bad: { ...ext, obstructed: true },
    between: null,
    severity: "major",
    audience: ["security"],
    forSec: 600,
  },
  {
    kind: "extinguisher",
    faultType: "seal_broken",
    healthy: ext,
    bad: { ...ext, sealIntact: false },
    between: null,
    severity: "major",
    audience: ["security"],
    forSec: 0,
  },
  {
    kind: "extinguisher",
    faultType: "battery_low",
    healthy: ext,
    bad: { ...ext, batteryPct: 12 },
    between: { ...ext, batteryPct: 22 },
    severity: "warning",
    audience: ["maintenance"],
    forSec: 0,
  },
  {
    kind: "hydrant",
    faultType: "hydrant_low_pressure",
    healthy: hydrant,
    bad: { ...hydrant, pressureMpa: 0.08 },
    between: { ...hydrant, pressureMpa: 0.16 },
    severity: "critical",
    audience: ["security", "maintenance"],
    forSec: 0,
  },
  {
    kind: "hydrant",
    faultType: "hose_missing",
    healthy: hydrant,
    bad: { ...hydrant, hosePresent: false },
    between: null,
    severity: "major",
    audience: ["security"],
    forSec: 0,
  },
  {
    kind: "hydrant",
    faultType: "door_open",
    healthy: hydrant,
    bad: { ...hydrant, doorOpen: true },
    between: null,
    severity: "minor",
    audience: ["security"],
    forSec: 600,
  },
  {
    kind: "hydrant",
    faultType: "battery_low",
    healthy: hydrant,
    bad: { ...hydrant, batteryPct: 15 },
    between: { ...hydrant, batteryPct: 22 },
    severity: "warning",
    audience: ["maintenance"],
    forSec: 0,
  },
  {
    kind: "gateway",
    faultType: "uplink_down",
    healthy: gateway,
    bad: { ...gateway, uplinkOk: false },
    between: null,
    severity: "critical",
    audience: ["maintenance", "duty_manager"],
    forSec: 30,
  },
  {
    kind: "gateway",
    faultType: "high_latency",
    healthy: gateway,
    bad: { ...gateway, latencyMs: 900 },
    between: { ...gateway, latencyMs: 400 },
    severity: "minor",
    audience: ["maintenance"],
    forSec: 60,
  },
];

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
});
