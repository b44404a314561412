import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GENERATED_DIR } from "../../dashboards/build.js";
import { ruleParam } from "../../dashboards/lib/rule-thresholds.js";
import { RULES_BY_KIND } from "../../src/core/faults/rules/index.js";

interface Panel {
  title: string;
  fieldConfig?: { defaults?: { thresholds?: { steps: Array<{ value: number | null; color: string }> } } };
}
const panels = (file: string): Panel[] =>
  JSON.parse(readFileSync(join(GENERATED_DIR, file), "utf8")).panels as Panel[];
const steps = (file: string, title: string) => {
  const panel = panels(file).find((p) => p.title === title);
  if (!panel) throw new Error(`no panel ${title} in ${file}`);
  return panel.fieldConfig?.defaults?.thresholds?.steps;
};
const defaultParam = (kind: keyof typeof RULES_BY_KIND, fault: string, name: string) =>
  RULES_BY_KIND[kind].find((r) => r.faultType === fault)!.defaults.params[name];

describe("panel thresholds from the fault rules", () => {
  it("draws the rules' default raise thresholds on the device detail and queue panels", () => {
    expect(steps("device-detail.json", "Enclosure temperature")).toEqual([
      { value: null, color: "green" },
      { value: defaultParam("charger", "overheat", "aboveC"), color: "red" },
    ]);
    expect(steps("device-detail.json", "Pressure (green zone)")).toEqual([
      { value: null, color: "red" },
      { value: defaultParam("extinguisher", "pressure_out_of_zone", "minMpa"), color: "green" },
      { value: defaultParam("extinguisher", "pressure_out_of_zone", "maxMpa"), color: "red" },
    ]);
    expect(steps("device-detail.json", "Water pressure")?.[1]?.value).toBe(
      defaultParam("hydrant", "hydrant_low_pressure", "belowMpa"),
    );
    expect(steps("queue-congestion.json", "Customers waiting")?.[1]?.value).toBe(
      defaultParam("queue", "congestion", "waitingAbove"),
    );
    expect(steps("queue-congestion.json", "Longest wait")?.[1]?.value).toBe(
      defaultParam("queue", "congestion", "longestWaitAboveSec"),
    );
  });

  it("refuses a rule or parameter that does not exist, so a renamed rule breaks the build", () => {
    expect(ruleParam("charger", "overheat", "aboveC")).toBe(55);
    expect(() => ruleParam("charger", "overheated", "aboveC")).toThrow(/no fault rule charger.overheated/);
    expect(() => ruleParam("charger", "overheat", "aboveF")).toThrow(/has no parameter aboveF/);
  });
});
