import type { RuleDefinition, RuleSettings } from "../types.js";
import { hysteresis, param, rule } from "./helpers.js";

type Defaults = Omit<RuleSettings, "enabled" | "params">;

/** Receipt (kiosk) and ticket (queue) printers fail the same ways; only who hears about it differs. */
export function printerRules<K extends "kiosk" | "queue">(
  kind: K,
  defaults: { jam: Defaults; out: Defaults; low: Defaults },
  text: { jam: RuleDefinition["summary"]; out: RuleDefinition["summary"]; low: RuleDefinition["summary"] },
): RuleDefinition<K>[] {
  return [
    rule<K>({
      faultType: "printer_jam",
      kind,
      defaults: { ...defaults.jam, params: {} },
      raise: ({ values }) => values.printerState === "jam",
      clear: ({ values }) => values.printerState !== "jam",
      observed: ({ values }) => values.printerState,
      summary: text.jam,
    }),
    rule<K>({
      faultType: "paper_out",
      kind,
      defaults: { ...defaults.out, params: {} },
      raise: ({ values }) => values.printerState === "paper_out" || values.paperPct === 0,
      clear: ({ values }) => values.printerState !== "paper_out" && values.paperPct !== 0,
      observed: ({ values }) => values.paperPct ?? values.printerState,
      summary: text.out,
    }),
    rule<K>({
      faultType: "paper_low",
      kind,
      defaults: { ...defaults.low, params: { belowPct: 15, clearAbovePct: 20 } },
      raise: ({ values, params }) =>
        values.paperPct !== undefined && values.paperPct > 0 && values.paperPct < param(params, "belowPct"),
      clear: ({ values, params }) =>
        values.paperPct === undefined ||
        values.paperPct === 0 ||
        values.paperPct >= param(params, "clearAbovePct"),
      observed: ({ values }) => values.paperPct ?? null,
      checkParams: hysteresis("below", "belowPct", "clearAbovePct"),
      summary: text.low,
    }),
  ];
}

/** Battery-powered fire sensors (extinguisher, hydrant). */
export function batteryLowRule<K extends "extinguisher" | "hydrant">(kind: K): RuleDefinition<K> {
  return rule<K>({
    faultType: "battery_low",
    kind,
    defaults: {
      severity: "warning",
      audience: ["maintenance"],
      forSec: 0,
      params: { belowPct: 20, clearAbovePct: 25 },
    },
    raise: ({ values, params }) => values.batteryPct < param(params, "belowPct"),
    clear: ({ values, params }) => values.batteryPct >= param(params, "clearAbovePct"),
    observed: ({ values }) => values.batteryPct,
    checkParams: hysteresis("below", "belowPct", "clearAbovePct"),
    summary: { en: "Sensor battery low", zh: "传感器电量低" },
  });
}
