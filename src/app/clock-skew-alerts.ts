import type { ClockSkewChange } from "../aggregator/clock-watch.js";
import type { AlertService } from "../alerts/alert-service.js";

/** A warning for maintenance while an agent's clock stays off (its live points go to their receive time). */
export function raiseClockSkewAlerts(
  subscribe: (listener: (change: ClockSkewChange) => void) => () => void,
  alerts: AlertService,
): () => void {
  return subscribe((change) => {
    const key = `${change.hallId}/agent/${change.agentId}/clock_skew`;
    if (change.skewMs === null) {
      alerts.reconcileExternal(key, null, { resolveReason: "the agent's clock is right again" });
      return;
    }
    const minutes = Math.round(change.skewMs / 60_000);
    alerts.reconcileExternal(key, {
      key,
      hallId: change.hallId,
      deviceId: null,
      agentId: change.agentId,
      kind: null,
      faultType: "clock_skew",
      severity: "warning",
      audience: ["maintenance", "admin"],
      summary: {
        en: `Agent ${change.agentId}'s clock is off by ${minutes} min: set its time (NTP)`,
        zh: `代理 ${change.agentId} 的时钟偏差 ${minutes} 分钟：请校准时间（NTP）`,
      },
      observed: change.skewMs,
      affected: [change.deviceId],
    });
  });
}
