import type { ChargerValues } from "../../../contract/index.js";
import { hysteresis, param, rule } from "./helpers.js";

const faultedPorts = (values: ChargerValues) => values.ports.filter((p) => p.state === "fault").length;
const halfOrMore = (values: ChargerValues) => faultedPorts(values) * 2 >= values.ports.length;

export const chargerRules = [
  rule({
    faultType: "overheat",
    kind: "charger",
    defaults: {
      severity: "critical",
      audience: ["duty_manager", "security"],
      forSec: 30,
      params: { aboveC: 55, clearBelowC: 50 },
    },
    raise: ({ values, params }) => values.enclosureTempC > param(params, "aboveC"),
    clear: ({ values, params }) => values.enclosureTempC < param(params, "clearBelowC"),
    observed: ({ values }) => values.enclosureTempC,
    checkParams: hysteresis("above", "aboveC", "clearBelowC"),
    summary: { en: "Charger over temperature: fire risk", zh: "充电桩温度过高，有火灾风险" },
  }),
  rule({
    faultType: "port_fault",
    kind: "charger",
    defaults: { severity: "minor", audience: ["maintenance"], forSec: 0, params: {} },
    raise: ({ values }) => faultedPorts(values) > 0 && !halfOrMore(values),
    clear: ({ values }) => faultedPorts(values) === 0 || halfOrMore(values),
    observed: ({ values }) => faultedPorts(values),
    summary: { en: "A charging port is faulted", zh: "充电端口故障" },
  }),
  rule({
    faultType: "ports_half_fault",
    kind: "charger",
    defaults: { severity: "major", audience: ["maintenance"], forSec: 0, params: {} },
    raise: ({ values }) => halfOrMore(values) && faultedPorts(values) > 0,
    clear: ({ values }) => !halfOrMore(values) || faultedPorts(values) === 0,
    observed: ({ values }) => faultedPorts(values),
    summary: { en: "Half or more charging ports faulted", zh: "半数以上充电端口故障" },
  }),
];
