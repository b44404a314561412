import { checks, hysteresis, param, rule } from "./helpers.js";
import { printerRules } from "./shared.js";

export const queueRules = [
  ...printerRules(
    "queue",
    {
      jam: { severity: "critical", audience: ["floor_staff", "duty_manager"], forSec: 0 },
      out: { severity: "critical", audience: ["floor_staff", "duty_manager"], forSec: 0 },
      low: { severity: "warning", audience: ["floor_staff"], forSec: 0 },
    },
    {
      jam: { en: "Ticket printer jammed: no tickets", zh: "取号机卡纸，无法取号" },
      out: { en: "Ticket paper out: no tickets", zh: "取号纸用完，无法取号" },
      low: { en: "Ticket paper low", zh: "取号纸将用完" },
    },
  ),
  rule({
    faultType: "display_fault",
    kind: "queue",
    defaults: { severity: "major", audience: ["maintenance"], forSec: 0, params: {} },
    raise: ({ values }) => values.displaysOk === false,
    clear: ({ values }) => values.displaysOk !== false,
    summary: { en: "Calling display fault", zh: "叫号屏故障" },
  }),
  rule({
    faultType: "voice_fault",
    kind: "queue",
    defaults: { severity: "major", audience: ["maintenance"], forSec: 0, params: {} },
    raise: ({ values }) => values.voiceOk === false,
    clear: ({ values }) => values.voiceOk !== false,
    summary: { en: "Voice announcement fault", zh: "语音叫号故障" },
  }),
  rule({
    faultType: "app_down",
    kind: "queue",
    defaults: { severity: "critical", audience: ["duty_manager", "maintenance"], forSec: 60, params: {} },
    raise: ({ values }) => !values.appOk,
    clear: ({ values }) => values.appOk,
    summary: { en: "Queue application down", zh: "排队系统无响应" },
    // Apps are closed with the hall; a stopped app outside opening hours is normal, not critical.
    onlyWhenWatched: true,
  }),
  rule({
    faultType: "congestion",
    kind: "queue",
    defaults: {
      severity: "operational",
      audience: ["floor_staff", "duty_manager"],
      forSec: 0,
      params: {
        waitingAbove: 20,
        longestWaitAboveSec: 1800,
        clearWaitingAtMost: 15,
        clearLongestWaitAtMostSec: 1200,
      },
    },
    raise: ({ values, params }) =>
      values.waitingTotal > param(params, "waitingAbove") ||
      values.longestWaitSec > param(params, "longestWaitAboveSec"),
    clear: ({ values, params }) =>
      values.waitingTotal <= param(params, "clearWaitingAtMost") &&
      values.longestWaitSec <= param(params, "clearLongestWaitAtMostSec"),
    observed: ({ values }) => values.waitingTotal,
    checkParams: checks(
      hysteresis("above", "waitingAbove", "clearWaitingAtMost"),
      hysteresis("above", "longestWaitAboveSec", "clearLongestWaitAtMostSec"),
    ),
    summary: {
      en: "Hall congested: steer customers to other channels",
      zh: "大厅拥堵，请引导客户使用其他渠道",
    },
  }),
];
