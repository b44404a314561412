import { param, rule } from "./helpers.js";
import { batteryLowRule } from "./shared.js";

/** The zone must be a real interval, and the clear band inside it must not be empty. */
function greenZone(params: Record<string, number>): string[] {
  const { minMpa = 0, maxMpa = 0, clearMarginMpa = 0 } = params;
  if (minMpa >= maxMpa) return [`minMpa (${minMpa}) must be < maxMpa (${maxMpa})`];
  if (clearMarginMpa < 0) return [`clearMarginMpa (${clearMarginMpa}) must be ≥ 0`];
  if (minMpa + clearMarginMpa > maxMpa - clearMarginMpa)
    return [`clearMarginMpa (${clearMarginMpa}) leaves no pressure that clears the fault`];
  return [];
}

export const extinguisherRules = [
  rule({
    faultType: "removed",
    kind: "extinguisher",
    defaults: { severity: "critical", audience: ["security", "duty_manager"], forSec: 0, params: {} },
    raise: ({ values }) => !values.present,
    clear: ({ values }) => values.present,
    summary: { en: "Extinguisher removed from its bracket", zh: "灭火器被移离挂架" },
  }),
  rule({
    faultType: "pressure_out_of_zone",
    kind: "extinguisher",
    // The green zone comes from the asset record (per device override); 1.0–1.4 MPa is the common default.
    defaults: {
      severity: "critical",
      audience: ["security", "maintenance"],
      forSec: 0,
      params: { minMpa: 1.0, maxMpa: 1.4, clearMarginMpa: 0.02 },
    },
    raise: ({ values, params }) =>
      values.pressureMpa < param(params, "minMpa") || values.pressureMpa > param(params, "maxMpa"),
    clear: ({ values, params }) =>
      values.pressureMpa >= param(params, "minMpa") + param(params, "clearMarginMpa") &&
      values.pressureMpa <= param(params, "maxMpa") - param(params, "clearMarginMpa"),
    observed: ({ values }) => values.pressureMpa,
    checkParams: greenZone,
    summary: { en: "Extinguisher pressure outside the green zone", zh: "灭火器压力超出绿区" },
  }),
  rule({
    faultType: "obstructed",
    kind: "extinguisher",
    defaults: { severity: "major", audience: ["security"], forSec: 600, params: {} },
    raise: ({ values }) => values.obstructed === true,
    clear: ({ values }) => values.obstructed !== true,
    summary: { en: "Access to extinguisher obstructed", zh: "灭火器前方被遮挡" },
  }),
  rule({
    faultType: "seal_broken",
    kind: "extinguisher",
    defaults: { severity: "major", audience: ["security"], forSec: 0, params: {} },
    raise: ({ values }) => values.sealIntact === false,
    clear: ({ values }) => values.sealIntact !== false,
    summary: { en: "Extinguisher seal broken", zh: "灭火器铅封破损" },
  }),
  batteryLowRule("extinguisher"),
];
