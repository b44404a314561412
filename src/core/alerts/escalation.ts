import type { Role, Severity } from "../faults/types.js";
import type { Alert, HistoryEntry, Transition } from "./alert.js";

export interface EscalationPolicy {
  afterMsBySeverity: Partial<Record<Severity, number>>;
  /** Roles to notify at each level; level 1 is levels[0]. */
  levels: Role[][];
  offlineReminderEveryMs: number;
}

const CONNECTIVITY_FAULTS = new Set(["offline", "not_ready", "agent_offline", "gateway_down", "uplink_down"]);

/**
 * Who an alert is for once an escalation has named `escalatedTo`: its audience widened by them. The audience is
 * the one rule for both sides: who is notified (routing) and who sees the alert (API, console, stream), so every
 * role a notice names can open the alert it was told about (issue 12, defect 5).
 */
export function widenAudience(audience: readonly Role[], escalatedTo: readonly Role[]): Role[] {
  return [...new Set([...audience, ...escalatedTo])];
}

/**
 * Escalates an unacknowledged alert one level per period of its severity (critical 5 min, major 30 min by
 * default), up to the last level. The level lives on the alert, so a restart never escalates twice.
 */
export function escalate(
  alert: Alert,
  policy: EscalationPolicy,
  nowMs: number,
): (Transition & { audience: Role[] }) | null {
  if (alert.status !== "open" || alert.inMaintenance) return null;
  const afterMs = policy.afterMsBySeverity[alert.severity];
  if (afterMs === undefined) return null;
  const reached = Math.min(policy.levels.length, Math.floor((nowMs - alert.raisedMs) / afterMs));
  if (reached <= alert.escalationLevel) return null;
  // One level per call: after a pause (e.g. the aggregator was down) the next ticks catch up level by level,
  // so no level's contacts are skipped.
  const due = alert.escalationLevel + 1;
  const audience = policy.levels[due - 1] ?? [];
  const next: Alert = { ...alert, escalationLevel: due, audience: widenAudience(alert.audience, audience) };
  const entry: HistoryEntry = {
    alertId: alert.id,
    atMs: nowMs,
    action: "escalated",
    by: null,
    fromStatus: alert.status,
    toStatus: alert.status,
    detail: { level: due, audience },
  };
  return { alert: next, entry, audience };
}

/** A device (or agent, or hall gateway) that stays down produces a reminder every period, acknowledged or not. */
export function remind(alert: Alert, policy: EscalationPolicy, nowMs: number): Transition | null {
  if (alert.status === "resolved" || alert.inMaintenance || !CONNECTIVITY_FAULTS.has(alert.faultType))
    return null;
  const since = alert.lastReminderMs ?? alert.raisedMs;
  if (nowMs - since < policy.offlineReminderEveryMs) return null;
  const next: Alert = { ...alert, lastReminderMs: nowMs };
  return {
    alert: next,
    entry: {
      alertId: alert.id,
      atMs: nowMs,
      action: "reminded",
      by: null,
      fromStatus: alert.status,
      toStatus: alert.status,
      detail: { downForMs: nowMs - alert.raisedMs },
    },
  };
}
