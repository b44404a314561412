import { hysteresis, param, rule } from "./helpers.js";

export const gatewayRules = [
  rule({
    faultType: "uplink_down",
    kind: "gateway",
    defaults: { severity: "critical", audience: ["maintenance", "duty_manager"], forSec: 30, params: {} },
    raise: ({ values }) => !values.uplinkOk,
    clear: ({ values }) => values.uplinkOk,
    summary: { en: "Hall uplink down", zh: "营业厅上行链路中断" },
  }),
  rule({
    faultType: "high_latency",
    kind: "gateway",
    defaults: {
      severity: "minor",
      audience: ["maintenance"],
      forSec: 60,
      params: { aboveMs: 500, clearBelowMs: 300 },
    },
    raise: ({ values, params }) => values.latencyMs > param(params, "aboveMs"),
    clear: ({ values, params }) => values.latencyMs < param(params, "clearBelowMs"),
    observed: ({ values }) => values.latencyMs,
    checkParams: hysteresis("above", "aboveMs", "clearBelowMs"),
    summary: { en: "Hall uplink slow", zh: "营业厅网络延迟高" },
  }),
];
