import { hysteresis, param, rule } from "./helpers.js";

export const tvRules = [
  rule({
    faultType: "tv_not_on",
    kind: "tv",
    defaults: { severity: "major", audience: ["duty_manager", "maintenance"], forSec: 60, params: {} },
    raise: ({ values }) => values.power !== "on",
    clear: ({ values }) => values.power === "on",
    observed: ({ values }) => values.power,
    summary: { en: "TV not on during opening hours", zh: "营业时间电视未开启" },
    onlyWhenWatched: true,
  }),
  rule({
    faultType: "no_signal",
    kind: "tv",
    defaults: { severity: "major", audience: ["maintenance"], forSec: 60, params: {} },
    raise: ({ values }) => values.power === "on" && !values.signalOk,
    clear: ({ values }) => values.power !== "on" || values.signalOk,
    summary: { en: "TV has no input signal", zh: "电视无信号" },
  }),
  rule({
    faultType: "player_stalled",
    kind: "tv",
    defaults: {
      severity: "major",
      audience: ["maintenance"],
      forSec: 0,
      params: { aboveSec: 120, clearBelowSec: 60 },
    },
    // A player on a dark screen may stop its heartbeat; that is tv_not_on's business (or night), not a stall.
    raise: ({ values, params }) =>
      values.power === "on" &&
      values.playerHeartbeatAgeSec !== undefined &&
      values.playerHeartbeatAgeSec > param(params, "aboveSec"),
    clear: ({ values, params }) =>
      values.power !== "on" ||
      values.playerHeartbeatAgeSec === undefined ||
      values.playerHeartbeatAgeSec < param(params, "clearBelowSec"),
    observed: ({ values }) => values.playerHeartbeatAgeSec ?? null,
    checkParams: hysteresis("above", "aboveSec", "clearBelowSec"),
    summary: { en: "Content player stalled", zh: "播放器停止响应" },
  }),
];
