import { describe, expect, it } from "vitest";
import { parseRulesConfig, RulesConfigError, resolveRuleSettings } from "../../../src/core/faults/config.js";
import { evaluateValues } from "../../../src/core/faults/evaluate.js";

const problemsOf = (input: unknown): string[] => {
  try {
    parseRulesConfig(input);
    return [];
  } catch (err) {
    if (err instanceof RulesConfigError) return err.problems;
    throw err;
  }
};

/** One threshold override per rule that puts the clear threshold on the wrong side of the raise threshold. */
const INVERTED: Array<[kind: string, faultType: string, params: Record<string, number>]> = [
  ["charger", "overheat", { aboveC: 45 }],
  ["kiosk", "disk_high", { clearBelowPct: 95 }],
  ["kiosk", "paper_low", { clearAbovePct: 10 }],
  ["queue", "paper_low", { belowPct: 30 }],
  ["queue", "congestion", { waitingAbove: 10 }],
  ["queue", "congestion", { clearLongestWaitAtMostSec: 3600 }],
  ["tv", "player_stalled", { clearBelowSec: 200 }],
  ["gateway", "high_latency", { aboveMs: 100 }],
  ["hydrant", "hydrant_low_pressure", { clearAboveMpa: 0.1 }],
  ["hydrant", "battery_low", { belowPct: 30 }],
  ["extinguisher", "battery_low", { clearAbovePct: 5 }],
  ["extinguisher", "pressure_out_of_zone", { minMpa: 1.5 }],
  ["extinguisher", "pressure_out_of_zone", { clearMarginMpa: 0.3 }],
  ["extinguisher", "pressure_out_of_zone", { clearMarginMpa: -0.1 }],
];

describe("rules configuration: thresholds that contradict each other", () => {
  it.each(INVERTED)("%s %s %o is refused at the kind, hall and device paths", (kind, faultType, params) => {
    const override = { [faultType]: { params } };
    expect(problemsOf({ kinds: { [kind]: override } })).toEqual([
      expect.stringContaining(`kinds.${kind}.${faultType}.params: `),
    ]);
    expect(problemsOf({ halls: { h1: { [kind]: override } } })).toEqual([
      expect.stringContaining(`halls.h1.${kind}.${faultType}.params: `),
    ]);
    expect(problemsOf({ devices: { "h1/d1": override } })).toEqual([
      expect.stringContaining(`devices.h1/d1.${faultType}.params: `),
    ]);
  });

  it("accepts a threshold moved together with its clear threshold, and judges the merged result", () => {
    expect(
      problemsOf({ kinds: { charger: { overheat: { params: { aboveC: 45, clearBelowC: 40 } } } } }),
    ).toEqual([]);
    // The kind moves both thresholds; the hall then moves only the raise threshold, still above the clear one.
    expect(
      problemsOf({
        kinds: { charger: { overheat: { params: { aboveC: 70, clearBelowC: 65 } } } },
        halls: { h1: { charger: { overheat: { params: { aboveC: 66 } } } } },
      }),
    ).toEqual([]);
    // The hall's raise threshold is fine against the default but not against the kind's clear threshold.
    expect(
      problemsOf({
        kinds: { charger: { overheat: { params: { aboveC: 70, clearBelowC: 65 } } } },
        halls: { h1: { charger: { overheat: { params: { aboveC: 60 } } } } },
      }),
    ).toEqual([
      expect.stringContaining("halls.h1.charger.overheat.params: clearBelowC (65) must be ≤ aboveC (60)"),
    ]);
  });

  it("lists contradictions together with schema errors and unknown names", () => {
    const problems = problemsOf({
      kinds: { charger: { overheat: { params: { aboveC: 45 } }, meltdown: {} } },
      halls: { h1: { kiosk: { paper_low: { severity: "apocalyptic" } } } },
      flapWindowSec: -5,
    });
    expect(problems).toHaveLength(4);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining("kinds.charger.overheat.params"),
        expect.stringContaining("kinds.charger.meltdown"),
        expect.stringContaining("halls.h1.kiosk.paper_low.severity"),
        expect.stringContaining("flapWindowSec"),
      ]),
    );
  });

  it("takes an extinguisher's own green zone from a device override (the asset record)", () => {
    const config = parseRulesConfig({
      devices: { "h1/ext-7": { pressure_out_of_zone: { params: { minMpa: 0.8, maxMpa: 1.2 } } } },
    });
    const evaluate = (deviceId: string, pressureMpa: number) =>
      evaluateValues(
        {
          kind: "extinguisher",
          values: { pressureMpa, present: true, batteryPct: 90 },
          settings: resolveRuleSettings(config, "extinguisher", "h1", deviceId),
          watched: true,
        },
        {},
        0,
      ).signals.map((s) => s.faultType);
    expect(evaluate("ext-7", 1.3)).toEqual(["pressure_out_of_zone"]);
    expect(evaluate("ext-7", 0.9)).toEqual([]);
    expect(evaluate("ext-8", 1.3)).toEqual([]);
    expect(evaluate("ext-8", 0.9)).toEqual(["pressure_out_of_zone"]);
  });
});
