import type { AggregatorEvents } from "../aggregator/events.js";
import type { AlertService } from "../alerts/alert-service.js";
import { SYSTEM_HALL_ID } from "../contract/index.js";

/**
 * Tells admins when an agent claims another agent's device (refused, dead-lettered as `device_conflict`): one
 * alert per device and claimant in the reserved hall `_system`, open until an admin resolves it. It is no
 * hall's alert: hall staff cannot act on it, and a claimant repeating its birth must not flood anyone.
 */
export function raiseDeviceConflictAlerts(
  subscribe: (listener: (e: AggregatorEvents["device_conflict"]) => void) => () => void,
  alerts: AlertService,
): () => void {
  return subscribe((e) => {
    const key = `_system/device_conflict/${e.hallId}/${e.deviceId}/${e.claimantAgentId}`;
    alerts.reconcileExternal(key, {
      key,
      hallId: SYSTEM_HALL_ID,
      deviceId: null,
      agentId: e.claimantAgentId,
      kind: null,
      faultType: "device_conflict",
      severity: "major",
      audience: ["admin"],
      summary: {
        en: `Agent ${e.claimantAgentId} claims device ${e.deviceId} of agent ${e.ownerAgentId} in hall ${e.hallId}: refused (an admin can move the device)`,
        zh: `代理 ${e.claimantAgentId} 声明了营业厅 ${e.hallId} 中属于代理 ${e.ownerAgentId} 的设备 ${e.deviceId}：已拒绝（管理员可迁移该设备）`,
      },
      observed: 1,
      affected: [e.deviceId],
    });
  });
}
