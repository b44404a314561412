import { hysteresis, param, rule } from "./helpers.js";
import { batteryLowRule } from "./shared.js";

export const hydrantRules = [
  rule({
    faultType: "hydrant_low_pressure",
    kind: "hydrant",
    // GB 50974 asks for at least 0.10 MPa static pressure at the least favourable indoor hydrant; the default
    // alarm sits a little above that so there is time to act. Set it per device from the system's design.
    defaults: {
      severity: "critical",
      audience: ["security", "maintenance"],
      forSec: 0,
      params: { belowMpa: 0.15, clearAboveMpa: 0.18 },
    },
    raise: ({ values, params }) => values.pressureMpa < param(params, "belowMpa"),
    clear: ({ values, params }) => values.pressureMpa >= param(params, "clearAboveMpa"),
    observed: ({ values }) => values.pressureMpa,
    checkParams: hysteresis("below", "belowMpa", "clearAboveMpa"),
    summary: { en: "Hydrant water pressure below minimum", zh: "消火栓水压不足" },
  }),
  rule({
    faultType: "hose_missing",
    kind: "hydrant",
    defaults: { severity: "major", audience: ["security"], forSec: 0, params: {} },
    raise: ({ values }) => !values.hosePresent,
    clear: ({ values }) => values.hosePresent,
    summary: { en: "Hydrant hose missing", zh: "消火栓水带缺失" },
  }),
  rule({
    faultType: "door_open",
    kind: "hydrant",
    defaults: { severity: "minor", audience: ["security"], forSec: 600, params: {} },
    raise: ({ values }) => values.doorOpen,
    clear: ({ values }) => !values.doorOpen,
    summary: { en: "Hydrant cabinet door open", zh: "消火栓箱门未关" },
  }),
  batteryLowRule("hydrant"),
];
