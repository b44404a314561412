import type { AlertEvent } from "../contract/index.js";
import { topics } from "../contract/index.js";
import type { Alert } from "../core/alerts/alert.js";
import type { AlertChange } from "./alert-service.js";

/** The public shape of an alert change, shared by the MQTT topic and the live stream. */
export function alertEvent(change: AlertChange, nowMs: number): AlertEvent {
  const a: Alert = change.alert;
  return {
    v: 1,
    tsMs: change.entry?.atMs ?? nowMs,
    action: change.entry?.action ?? "updated",
    by: change.entry?.by ?? null,
    alert: {
      id: a.id,
      hallId: a.hallId,
      deviceId: a.deviceId,
      agentId: a.agentId,
      kind: a.kind,
      faultType: a.faultType,
      severity: a.severity,
      audience: a.audience,
      status: a.status,
      summary: a.summary,
      openedMs: a.openedMs,
      lastSeenMs: a.lastSeenMs,
      count: a.count,
      lastObserved: a.lastObserved,
      affected: a.affected,
      flapping: a.flapping,
      escalationLevel: a.escalationLevel,
      inMaintenance: a.inMaintenance,
      acknowledged: a.acknowledged,
      resolved: a.resolved,
      assignee: a.assignee ?? null,
      lastComment: a.lastComment ?? null,
    },
  };
}

/** Publishes every alert change on `hallwatch/v1/_system/alerts/{hallId}` for other systems. */
export function publishAlertChanges(
  subscribe: (listener: (change: AlertChange) => void) => () => void,
  publish: (topic: string, payload: string) => void,
  now: () => number = Date.now,
): () => void {
  return subscribe((change) =>
    publish(topics.alertEvents(change.alert.hallId), JSON.stringify(alertEvent(change, now()))),
  );
}
