import type { DeviceKind } from "../../contract/index.js";
import type { Role, Severity } from "../faults/types.js";

export type AlertStatus = "open" | "acknowledged" | "resolved";
export type Observed = number | string | boolean | null;

export interface Alert {
  id: string;
  /** One active alert per key: `hallId/device/deviceId/faultType`, or an agent or hall key for dependencies. */
  key: string;
  hallId: string;
  deviceId: string | null;
  agentId: string | null;
  kind: DeviceKind | null;
  faultType: string;
  severity: Severity;
  audience: Role[];
  summary: { en: string; zh: string };
  status: AlertStatus;
  openedMs: number;
  /** When it was last raised (opened or reopened): escalation counts from here. */
  raisedMs: number;
  lastSeenMs: number;
  /** How many times the fault was raised (reopens included). */
  count: number;
  lastObserved: Observed;
  /** Devices this alert stands for (dependency alerts: an agent's or a hall's devices). */
  affected: string[];
  acknowledged: { by: string; atMs: number; comment: string | null } | null;
  resolved: { by: string; atMs: number; reason: string } | null;
  /** The person of the hall the alert was handed to (absent on alerts stored before assignment existed). */
  assignee?: { username: string; by: string; atMs: number } | null;
  /** The latest comment, for the card (the whole thread is in the history). */
  lastComment?: { by: string; atMs: number; text: string } | null;
  flapping: boolean;
  reopenCount: number;
  escalationLevel: number;
  lastReminderMs: number | null;
  /** Raised while its device was in a maintenance window: recorded, not notified, not escalated. */
  inMaintenance: boolean;
  /** People told about it in person (routing or an escalation chain): each may see and act on this alert. */
  notifiedUsers?: string[];
}

export type HistoryAction =
  | "opened"
  | "updated"
  | "reopened"
  | "acknowledged"
  | "resolved"
  | "commented"
  | "assigned"
  | "escalated"
  | "reminded"
  | "affected_changed"
  /** A personal notice was queued for someone (detail: username, medium, step). */
  | "notified"
  /** A personal notice reached the person's provider (detail: username, medium, step). */
  | "delivered";

export interface HistoryEntry {
  alertId: string;
  atMs: number;
  action: HistoryAction;
  by: string | null;
  fromStatus: AlertStatus | null;
  toStatus: AlertStatus;
  detail: Record<string, unknown> | null;
}

export interface Transition {
  alert: Alert;
  entry: HistoryEntry;
}

export type LifecycleError = {
  error: "already_resolved" | "already_acknowledged" | "not_active" | "condition_active";
  message: string;
};

/** What still holds behind an active alert, as the alert service sees it from the latest readings. */
export interface LiveCondition {
  /** `reading`: a value rule still raised by the latest reading; `connectivity`: still offline / unreachable. */
  type: "reading" | "connectivity";
  faultType: string;
  /** The device, agent or hall the condition is about. */
  subject: string;
  observed: Observed;
}

export const isActive = (alert: Alert) => alert.status !== "resolved";

const entry = (
  alert: Alert,
  atMs: number,
  action: HistoryAction,
  by: string | null,
  fromStatus: AlertStatus | null,
  detail: Record<string, unknown> | null = null,
): HistoryEntry => ({ alertId: alert.id, atMs, action, by, fromStatus, toStatus: alert.status, detail });

/** What a raise says about the fault; the rest of the alert is lifecycle state. */
export type RaiseInput = Pick<
  Alert,
  | "key"
  | "hallId"
  | "deviceId"
  | "agentId"
  | "kind"
  | "faultType"
  | "severity"
  | "audience"
  | "summary"
  | "affected"
> & {
  observed: Observed;
  inMaintenance?: boolean;
  /** The device's readings that raised it, kept on the history entry (the alert detail shows them). */
  values?: Record<string, unknown> | null;
};

const raisedDetail = (input: RaiseInput): Record<string, unknown> =>
  input.values ? { observed: input.observed, values: input.values } : { observed: input.observed };

/**
 * A fault is raised. The latest alert with the same key decides what happens: an active one is updated
 * (a repeat, never a duplicate); one resolved within the flap window is reopened and marked flapping;
 * otherwise a new alert opens with `newId`.
 */
export function raise(
  latest: Alert | null,
  input: RaiseInput,
  nowMs: number,
  flapWindowMs: number,
  newId: string,
): Transition {
  if (latest && isActive(latest)) {
    const alert: Alert = {
      ...latest,
      count: latest.count + 1,
      lastSeenMs: nowMs,
      lastObserved: input.observed,
      affected: input.affected,
    };
    return {
      alert,
      entry: entry(alert, nowMs, "updated", null, latest.status, { observed: input.observed, repeat: true }),
    };
  }
  if (latest?.resolved && nowMs - latest.resolved.atMs <= flapWindowMs) {
    const alert: Alert = {
      ...latest,
      status: "open",
      raisedMs: nowMs,
      lastSeenMs: nowMs,
      count: latest.count + 1,
      lastObserved: input.observed,
      affected: input.affected,
      severity: input.severity,
      audience: input.audience,
      acknowledged: null,
      resolved: null,
      flapping: true,
      reopenCount: latest.reopenCount + 1,
      escalationLevel: 0,
      lastReminderMs: null,
      inMaintenance: input.inMaintenance ?? false,
    };
    return { alert, entry: entry(alert, nowMs, "reopened", null, "resolved", raisedDetail(input)) };
  }
  const alert: Alert = {
    id: newId,
    key: input.key,
    hallId: input.hallId,
    deviceId: input.deviceId,
    agentId: input.agentId,
    kind: input.kind,
    faultType: input.faultType,
    severity: input.severity,
    audience: input.audience,
    summary: input.summary,
    status: "open",
    openedMs: nowMs,
    raisedMs: nowMs,
    lastSeenMs: nowMs,
    count: 1,
    lastObserved: input.observed,
    affected: input.affected,
    acknowledged: null,
    resolved: null,
    flapping: false,
    reopenCount: 0,
    escalationLevel: 0,
    lastReminderMs: null,
    inMaintenance: input.inMaintenance ?? false,
  };
  return { alert, entry: entry(alert, nowMs, "opened", null, null, raisedDetail(input)) };
}

/** A new reading of an active fault (the value moved) — recorded, not counted as a repeat. */
export function observe(alert: Alert, observed: Observed, nowMs: number): Transition {
  const next: Alert = { ...alert, lastObserved: observed, lastSeenMs: nowMs };
  return { alert: next, entry: entry(next, nowMs, "updated", null, alert.status, { observed }) };
}

export function changeAffected(alert: Alert, affected: string[], nowMs: number): Transition | null {
  const same = affected.length === alert.affected.length && affected.every((d, i) => d === alert.affected[i]);
  if (same) return null;
  const next: Alert = { ...alert, affected, lastSeenMs: nowMs };
  return { alert: next, entry: entry(next, nowMs, "affected_changed", null, alert.status, { affected }) };
}

/** The clear condition holds: resolved automatically. */
export function autoResolve(
  alert: Alert,
  nowMs: number,
  reason = "condition cleared",
): Transition | LifecycleError {
  if (!isActive(alert))
    return { error: "already_resolved", message: `alert ${alert.id} is already resolved` };
  const next: Alert = { ...alert, status: "resolved", resolved: { by: "auto", atMs: nowMs, reason } };
  return { alert: next, entry: entry(next, nowMs, "resolved", "auto", alert.status, { reason }) };
}

export function acknowledge(
  alert: Alert,
  by: string,
  comment: string | null,
  nowMs: number,
): Transition | LifecycleError {
  if (alert.status === "resolved")
    return { error: "already_resolved", message: `alert ${alert.id} is resolved` };
  if (alert.status === "acknowledged") {
    return {
      error: "already_acknowledged",
      message: `alert ${alert.id} was acknowledged by ${alert.acknowledged?.by}`,
    };
  }
  const next: Alert = {
    ...alert,
    status: "acknowledged",
    acknowledged: { by, atMs: nowMs, comment },
    ...(comment ? { lastComment: { by, atMs: nowMs, text: comment } } : {}),
  };
  return {
    alert: next,
    entry: entry(next, nowMs, "acknowledged", by, alert.status, comment ? { comment } : null),
  };
}

/**
 * A person resolves an alert. While its condition still holds (`live`), that is refused with the reason: the alert
 * would vanish from every board while the fault goes on, and the alert resolves by itself when the condition clears
 * (issue 12, defect 4). `live` null: nothing known still holds (or an admin forces it), so it resolves.
 */
export function resolveManually(
  alert: Alert,
  by: string,
  reason: string,
  nowMs: number,
  live: LiveCondition | null = null,
): Transition | LifecycleError {
  if (alert.status === "resolved")
    return { error: "already_resolved", message: `alert ${alert.id} is already resolved` };
  if (live) {
    const still =
      live.type === "reading"
        ? `${live.subject} still reports ${live.faultType}${live.observed === null ? "" : ` (latest reading: ${String(live.observed)})`}; the alert resolves by itself when a reading clears it`
        : `${live.subject} is still ${live.faultType === "gateway_down" ? "unreachable (gateway down)" : "offline"} (${live.faultType}); the alert resolves by itself when it is back online`;
    return {
      error: "condition_active",
      message: `cannot resolve alert ${alert.id}: ${still}. Fix the cause, or acknowledge the alert to show someone is on it.`,
    };
  }
  const next: Alert = { ...alert, status: "resolved", resolved: { by, atMs: nowMs, reason } };
  return { alert: next, entry: entry(next, nowMs, "resolved", by, alert.status, { reason }) };
}

export function addComment(alert: Alert, by: string, text: string, nowMs: number): Transition {
  const next: Alert = { ...alert, lastComment: { by, atMs: nowMs, text } };
  return { alert: next, entry: entry(next, nowMs, "commented", by, alert.status, { comment: text }) };
}

/** An active alert is handed to a person (who may see and act on it: checked by the caller, who knows users). */
export function assign(
  alert: Alert,
  username: string,
  by: string,
  nowMs: number,
): Transition | LifecycleError {
  if (!isActive(alert)) return { error: "not_active", message: `alert ${alert.id} is resolved` };
  const previous = alert.assignee?.username ?? null;
  const next: Alert = { ...alert, assignee: { username, by, atMs: nowMs } };
  return {
    alert: next,
    entry: entry(next, nowMs, "assigned", by, alert.status, { assignee: username, previous }),
  };
}

export function isLifecycleError(value: Transition | LifecycleError): value is LifecycleError {
  return "error" in value;
}

/** A personal notice was queued: the person is remembered on the alert (they may see it from now on). */
export function recordNotice(
  alert: Alert,
  username: string,
  detail: Record<string, unknown>,
  nowMs: number,
): Transition {
  const known = alert.notifiedUsers ?? [];
  const next: Alert = known.includes(username) ? alert : { ...alert, notifiedUsers: [...known, username] };
  return { alert: next, entry: entry(next, nowMs, "notified", null, alert.status, { username, ...detail }) };
}

/** A personal notice was accepted by the person's provider. */
export function recordDelivery(alert: Alert, detail: Record<string, unknown>, nowMs: number): Transition {
  return { alert, entry: entry(alert, nowMs, "delivered", null, alert.status, detail) };
}
