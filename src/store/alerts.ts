import { type HallFence, UNFENCED } from "../cluster/hall-fence.js";
import type { DeviceKind } from "../contract/index.js";
import type { Alert, AlertStatus, HistoryEntry } from "../core/alerts/alert.js";
import type { DeviceConditionStates, Role, Severity } from "../core/faults/types.js";
import { type AlertFilter, whereClause } from "./alert-filter.js";
import type { SqlEngine, SqlExecutor, SqlValue } from "./sql/engine.js";

interface AlertRow {
  id: string;
  key: string;
  hall_id: string;
  device_id: string | null;
  agent_id: string | null;
  kind: DeviceKind | null;
  fault_type: string;
  severity: Severity;
  audience_json: string;
  summary_json: string;
  status: AlertStatus;
  opened_ms: number;
  raised_ms: number;
  last_seen_ms: number;
  count: number;
  last_observed_json: string | null;
  affected_json: string;
  acknowledged_json: string | null;
  resolved_json: string | null;
  assignee_json: string | null;
  last_comment_json: string | null;
  flapping: number;
  reopen_count: number;
  escalation_level: number;
  last_reminder_ms: number | null;
  in_maintenance: number;
  notified_users_json: string | null;
}

export type { AlertFilter } from "./alert-filter.js";

function toAlert(r: AlertRow): Alert {
  return {
    id: r.id,
    key: r.key,
    hallId: r.hall_id,
    deviceId: r.device_id,
    agentId: r.agent_id,
    kind: r.kind,
    faultType: r.fault_type,
    severity: r.severity,
    audience: JSON.parse(r.audience_json) as Role[],
    summary: JSON.parse(r.summary_json) as Alert["summary"],
    status: r.status,
    openedMs: r.opened_ms,
    raisedMs: r.raised_ms,
    lastSeenMs: r.last_seen_ms,
    count: r.count,
    lastObserved:
      r.last_observed_json === null ? null : (JSON.parse(r.last_observed_json) as Alert["lastObserved"]),
    affected: JSON.parse(r.affected_json) as string[],
    acknowledged:
      r.acknowledged_json === null ? null : (JSON.parse(r.acknowledged_json) as Alert["acknowledged"]),
    resolved: r.resolved_json === null ? null : (JSON.parse(r.resolved_json) as Alert["resolved"]),
    assignee: r.assignee_json === null ? null : (JSON.parse(r.assignee_json) as Alert["assignee"]),
    lastComment:
      r.last_comment_json === null ? null : (JSON.parse(r.last_comment_json) as Alert["lastComment"]),
    flapping: r.flapping === 1,
    reopenCount: r.reopen_count,
    escalationLevel: r.escalation_level,
    lastReminderMs: r.last_reminder_ms,
    inMaintenance: r.in_maintenance === 1,
    ...(r.notified_users_json ? { notifiedUsers: JSON.parse(r.notified_users_json) as string[] } : {}),
  };
}

export interface AlertChangeRecord {
  alert: Alert;
  entry: HistoryEntry | null;
}

export interface ConditionRecord {
  hallId: string;
  deviceId: string;
  states: DeviceConditionStates;
}

/** Where alerts, their history and the devices' condition states are kept (SQLite or PostgreSQL). */
export interface BatchResult {
  /** Halls whose records the fence refused (another node owns them now): nothing of them was written. */
  refusedHalls: string[];
}

export interface AlertPort {
  save(alert: Alert, entry: HistoryEntry | null): Promise<void>;
  /** Alert changes in order, then condition states, all in one transaction. */
  saveBatch(
    changes: readonly AlertChangeRecord[],
    conditions: readonly ConditionRecord[],
    fence?: HallFence,
  ): Promise<BatchResult>;
  /** Active alerts, plus those resolved at or after `resolvedSinceMs` (the flap window); oldest opened first. */
  loadCurrent(resolvedSinceMs: number, hallId?: string): Promise<Alert[]>;
  get(id: string): Promise<Alert | null>;
  /** An alert's history in the order it was written. */
  history(alertId: string): Promise<HistoryEntry[]>;
  list(filter: AlertFilter): Promise<{ items: Alert[]; total: number }>;
  loadConditions(hallId?: string): Promise<Map<string, DeviceConditionStates>>;
  saveConditions(hallId: string, deviceId: string, states: DeviceConditionStates): Promise<void>;
}

const UPSERT = `
  INSERT INTO alerts (id, key, hall_id, device_id, agent_id, kind, fault_type, severity, audience_json, summary_json,
    status, opened_ms, raised_ms, last_seen_ms, count, last_observed_json, affected_json, acknowledged_json,
    resolved_json, resolved_ms, assignee_json, last_comment_json, flapping, reopen_count, escalation_level,
    last_reminder_ms, in_maintenance, notified_users_json)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (id) DO UPDATE SET severity = excluded.severity, audience_json = excluded.audience_json,
    status = excluded.status, raised_ms = excluded.raised_ms, last_seen_ms = excluded.last_seen_ms,
    count = excluded.count, last_observed_json = excluded.last_observed_json, affected_json = excluded.affected_json,
    acknowledged_json = excluded.acknowledged_json, resolved_json = excluded.resolved_json,
    resolved_ms = excluded.resolved_ms, assignee_json = excluded.assignee_json,
    last_comment_json = excluded.last_comment_json, flapping = excluded.flapping, reopen_count = excluded.reopen_count,
    escalation_level = excluded.escalation_level, last_reminder_ms = excluded.last_reminder_ms,
    in_maintenance = excluded.in_maintenance, notified_users_json = excluded.notified_users_json`;

const INSERT_HISTORY = `INSERT INTO alert_history (alert_id, at_ms, action, by_user, from_status, to_status, detail_json)
  VALUES (?, ?, ?, ?, ?, ?, ?)`;

const UPSERT_CONDITIONS = `INSERT INTO fault_conditions (hall_id, device_id, states_json) VALUES (?, ?, ?)
  ON CONFLICT (hall_id, device_id) DO UPDATE SET states_json = excluded.states_json`;

const json = (value: unknown): string | null =>
  value === null || value === undefined ? null : JSON.stringify(value);

function alertParams(alert: Alert): SqlValue[] {
  return [
    alert.id,
    alert.key,
    alert.hallId,
    alert.deviceId,
    alert.agentId,
    alert.kind,
    alert.faultType,
    alert.severity,
    JSON.stringify(alert.audience),
    JSON.stringify(alert.summary),
    alert.status,
    alert.openedMs,
    alert.raisedMs,
    alert.lastSeenMs,
    alert.count,
    alert.lastObserved === null ? null : JSON.stringify(alert.lastObserved),
    JSON.stringify(alert.affected),
    json(alert.acknowledged),
    json(alert.resolved),
    alert.resolved?.atMs ?? null,
    json(alert.assignee),
    json(alert.lastComment),
    alert.flapping ? 1 : 0,
    alert.reopenCount,
    alert.escalationLevel,
    alert.lastReminderMs,
    alert.inMaintenance ? 1 : 0,
    alert.notifiedUsers?.length ? JSON.stringify(alert.notifiedUsers) : null,
  ];
}

async function writeChange(tx: SqlExecutor, { alert, entry }: AlertChangeRecord): Promise<void> {
  await tx.run(UPSERT, alertParams(alert));
  if (entry)
    await tx.run(INSERT_HISTORY, [
      entry.alertId,
      entry.atMs,
      entry.action,
      entry.by,
      entry.fromStatus,
      entry.toStatus,
      json(entry.detail),
    ]);
}

/** Alerts and their full history. Every transition is written in one transaction with its history. */
export class AlertStore implements AlertPort {
  constructor(private readonly sql: SqlEngine) {}

  async save(alert: Alert, entry: HistoryEntry | null): Promise<void> {
    await this.saveBatch([{ alert, entry }], []);
  }

  /**
   * Writes the batch in one transaction. With a fence (several nodes), only the records of halls this node still
   * owns are written; the others are named in the result.
   */
  async saveBatch(
    changes: readonly AlertChangeRecord[],
    conditions: readonly ConditionRecord[],
    fence: HallFence = UNFENCED,
  ): Promise<BatchResult> {
    if (changes.length === 0 && conditions.length === 0) return { refusedHalls: [] };
    const halls = new Set<string>();
    for (const change of changes) halls.add(change.alert.hallId);
    for (const c of conditions) halls.add(c.hallId);
    return this.sql.transaction(async (tx) => {
      const writable = await fence.writable(tx, halls);
      for (const change of changes) if (writable.has(change.alert.hallId)) await writeChange(tx, change);
      for (const c of conditions)
        if (writable.has(c.hallId))
          await tx.run(UPSERT_CONDITIONS, [c.hallId, c.deviceId, JSON.stringify(c.states)]);
      return { refusedHalls: [...halls].filter((h) => !writable.has(h)).sort() };
    });
  }

  async loadCurrent(resolvedSinceMs: number, hallId?: string): Promise<Alert[]> {
    const current = "(status != 'resolved' OR resolved_ms >= ?)";
    const rows = await this.sql.all<AlertRow>(
      hallId === undefined
        ? `SELECT * FROM alerts WHERE ${current} ORDER BY opened_ms, id`
        : `SELECT * FROM alerts WHERE hall_id = ? AND ${current} ORDER BY opened_ms, id`,
      hallId === undefined ? [resolvedSinceMs] : [hallId, resolvedSinceMs],
    );
    return rows.map(toAlert);
  }

  async get(id: string): Promise<Alert | null> {
    const row = await this.sql.get<AlertRow>("SELECT * FROM alerts WHERE id = ?", [id]);
    return row ? toAlert(row) : null;
  }

  async history(alertId: string): Promise<HistoryEntry[]> {
    const rows = await this.sql.all<{
      alert_id: string;
      at_ms: number;
      action: HistoryEntry["action"];
      by_user: string | null;
      from_status: AlertStatus | null;
      to_status: AlertStatus;
      detail_json: string | null;
    }>("SELECT * FROM alert_history WHERE alert_id = ? ORDER BY id", [alertId]);
    return rows.map((r) => ({
      alertId: r.alert_id,
      atMs: r.at_ms,
      action: r.action,
      by: r.by_user,
      fromStatus: r.from_status,
      toStatus: r.to_status,
      detail: r.detail_json === null ? null : (JSON.parse(r.detail_json) as Record<string, unknown>),
    }));
  }

  async list(filter: AlertFilter): Promise<{ items: Alert[]; total: number }> {
    const { clause, args } = whereClause(filter, this.sql.dialect);
    const count = await this.sql.get<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM alerts ${clause}`,
      args,
    );
    // Ids in byte order on both engines, whatever the PostgreSQL database's collation.
    const byId = this.sql.dialect === "postgres" ? 'id COLLATE "C"' : "id";
    const rows = await this.sql.all<AlertRow>(
      `SELECT * FROM alerts ${clause} ORDER BY last_seen_ms DESC, ${byId} LIMIT ? OFFSET ?`,
      [...args, filter.limit, filter.offset],
    );
    return { items: rows.map(toAlert), total: Number(count?.n ?? 0) };
  }

  async loadConditions(hallId?: string): Promise<Map<string, DeviceConditionStates>> {
    const rows = await this.sql.all<{ hall_id: string; device_id: string; states_json: string }>(
      `SELECT hall_id, device_id, states_json FROM fault_conditions${hallId === undefined ? "" : " WHERE hall_id = ?"}`,
      hallId === undefined ? [] : [hallId],
    );
    return new Map(
      rows.map((r) => [`${r.hall_id}/${r.device_id}`, JSON.parse(r.states_json) as DeviceConditionStates]),
    );
  }

  async saveConditions(hallId: string, deviceId: string, states: DeviceConditionStates): Promise<void> {
    await this.sql.run(UPSERT_CONDITIONS, [hallId, deviceId, JSON.stringify(states)]);
  }
}
