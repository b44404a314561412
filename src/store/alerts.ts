import type { DeviceKind } from "../contract/index.js";
import type { Alert, AlertStatus, HistoryEntry } from "../core/alerts/alert.js";
import type { DeviceConditionStates, Role, Severity } from "../core/faults/types.js";
import type { Db } from "./database.js";

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

export interface AlertFilter {
  hallIds?: string[] | undefined;
  deviceId?: string | undefined;
  kind?: string | undefined;
  severity?: string | undefined;
  /** "active" = open or acknowledged. */
  status?: AlertStatus | "active" | undefined;
  faultType?: string | undefined;
  /** Only alerts addressed to one of these roles. */
  audienceAnyOf?: string[] | undefined;
  /** Also alerts this person was told about in person, whatever the hall and audience filters above. */
  orNotified?: string | undefined;
  fromMs?: number | undefined;
  toMs?: number | undefined;
  limit: number;
  offset: number;
}

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

/** Alerts and their full history. Every transition is written at once, in one transaction with its history. */
export class AlertStore {
  private readonly upsert;
  private readonly insertHistory;

  constructor(private readonly db: Db) {
    this.upsert = db.prepare(`
      INSERT INTO alerts (id, key, hall_id, device_id, agent_id, kind, fault_type, severity, audience_json, summary_json,
        status, opened_ms, raised_ms, last_seen_ms, count, last_observed_json, affected_json, acknowledged_json,
        resolved_json, resolved_ms, assignee_json, last_comment_json, flapping, reopen_count, escalation_level, last_reminder_ms, in_maintenance, notified_users_json)
      VALUES (@id, @key, @hall_id, @device_id, @agent_id, @kind, @fault_type, @severity, @audience_json, @summary_json,
        @status, @opened_ms, @raised_ms, @last_seen_ms, @count, @last_observed_json, @affected_json, @acknowledged_json,
        @resolved_json, @resolved_ms, @assignee_json, @last_comment_json, @flapping, @reopen_count, @escalation_level, @last_reminder_ms, @in_maintenance, @notified_users_json)
      ON CONFLICT(id) DO UPDATE SET severity = excluded.severity, audience_json = excluded.audience_json,
        status = excluded.status, raised_ms = excluded.raised_ms, last_seen_ms = excluded.last_seen_ms,
        count = excluded.count, last_observed_json = excluded.last_observed_json, affected_json = excluded.affected_json,
        acknowledged_json = excluded.acknowledged_json, resolved_json = excluded.resolved_json,
        resolved_ms = excluded.resolved_ms, assignee_json = excluded.assignee_json,
        last_comment_json = excluded.last_comment_json, flapping = excluded.flapping, reopen_count = excluded.reopen_count,
        escalation_level = excluded.escalation_level, last_reminder_ms = excluded.last_reminder_ms,
        in_maintenance = excluded.in_maintenance, notified_users_json = excluded.notified_users_json`);
    this.insertHistory = db.prepare(
      `INSERT INTO alert_history (alert_id, at_ms, action, by_user, from_status, to_status, detail_json)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  save(alert: Alert, entry: HistoryEntry | null): void {
    this.db.transaction(() => {
      this.upsert.run({
        id: alert.id,
        key: alert.key,
        hall_id: alert.hallId,
        device_id: alert.deviceId,
        agent_id: alert.agentId,
        kind: alert.kind,
        fault_type: alert.faultType,
        severity: alert.severity,
        audience_json: JSON.stringify(alert.audience),
        summary_json: JSON.stringify(alert.summary),
        status: alert.status,
        opened_ms: alert.openedMs,
        raised_ms: alert.raisedMs,
        last_seen_ms: alert.lastSeenMs,
        count: alert.count,
        last_observed_json: alert.lastObserved === null ? null : JSON.stringify(alert.lastObserved),
        affected_json: JSON.stringify(alert.affected),
        acknowledged_json: alert.acknowledged === null ? null : JSON.stringify(alert.acknowledged),
        resolved_json: alert.resolved === null ? null : JSON.stringify(alert.resolved),
        resolved_ms: alert.resolved?.atMs ?? null,
        assignee_json: alert.assignee ? JSON.stringify(alert.assignee) : null,
        last_comment_json: alert.lastComment ? JSON.stringify(alert.lastComment) : null,
        flapping: alert.flapping ? 1 : 0,
        reopen_count: alert.reopenCount,
        escalation_level: alert.escalationLevel,
        last_reminder_ms: alert.lastReminderMs,
        in_maintenance: alert.inMaintenance ? 1 : 0,
        notified_users_json: alert.notifiedUsers?.length ? JSON.stringify(alert.notifiedUsers) : null,
      });
      if (entry) {
        this.insertHistory.run(
          entry.alertId,
          entry.atMs,
          entry.action,
          entry.by,
          entry.fromStatus,
          entry.toStatus,
          entry.detail === null ? null : JSON.stringify(entry.detail),
        );
      }
    })();
  }

  /** Active alerts, plus those resolved recently enough to reopen (the flap window). */
  loadCurrent(resolvedSinceMs: number): Alert[] {
    const rows = this.db
      .prepare("SELECT * FROM alerts WHERE status != 'resolved' OR resolved_ms >= ? ORDER BY opened_ms")
      .all(resolvedSinceMs) as AlertRow[];
    return rows.map(toAlert);
  }

  get(id: string): Alert | null {
    const row = this.db.prepare("SELECT * FROM alerts WHERE id = ?").get(id) as AlertRow | undefined;
    return row ? toAlert(row) : null;
  }

  history(alertId: string): HistoryEntry[] {
    const rows = this.db
      .prepare("SELECT * FROM alert_history WHERE alert_id = ? ORDER BY id")
      .all(alertId) as {
      alert_id: string;
      at_ms: number;
      action: HistoryEntry["action"];
      by_user: string | null;
      from_status: AlertStatus | null;
      to_status: AlertStatus;
      detail_json: string | null;
    }[];
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

  list(filter: AlertFilter): { items: Alert[]; total: number } {
    const scope: string[] = [];
    const where: string[] = [];
    const args: Record<string, unknown> = {};
    if (filter.hallIds) {
      scope.push(`hall_id IN (${filter.hallIds.map((_, i) => `@hall${i}`).join(", ") || "NULL"})`);
      filter.hallIds.forEach((h, i) => {
        args[`hall${i}`] = h;
      });
    }
    const eq = (column: string, name: string, value: unknown) => {
      if (value === undefined) return;
      where.push(`${column} = @${name}`);
      args[name] = value;
    };
    eq("device_id", "deviceId", filter.deviceId);
    eq("kind", "kind", filter.kind);
    eq("severity", "severity", filter.severity);
    eq("fault_type", "faultType", filter.faultType);
    if (filter.audienceAnyOf) {
      const names = filter.audienceAnyOf.map((_, i) => `@role${i}`);
      scope.push(
        `EXISTS (SELECT 1 FROM json_each(audience_json) WHERE value IN (${names.join(", ") || "NULL"}))`,
      );
      filter.audienceAnyOf.forEach((r, i) => {
        args[`role${i}`] = r;
      });
    }
    if (scope.length > 0) {
      const own = scope.join(" AND ");
      if (filter.orNotified === undefined) where.push(own);
      else {
        where.push(
          `((${own}) OR EXISTS (SELECT 1 FROM json_each(COALESCE(notified_users_json, '[]')) WHERE value = @notifiedUser))`,
        );
        args.notifiedUser = filter.orNotified;
      }
    }
    if (filter.status === "active") where.push("status != 'resolved'");
    else eq("status", "status", filter.status);
    if (filter.fromMs !== undefined) {
      where.push("(resolved_ms IS NULL OR resolved_ms >= @fromMs)");
      args.fromMs = filter.fromMs;
    }
    if (filter.toMs !== undefined) {
      where.push("opened_ms < @toMs");
      args.toMs = filter.toMs;
    }
    const clause = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM alerts ${clause}`).get(args) as { n: number })
      .n;
    const rows = this.db
      .prepare(`SELECT * FROM alerts ${clause} ORDER BY last_seen_ms DESC, id LIMIT @limit OFFSET @offset`)
      .all({ ...args, limit: filter.limit, offset: filter.offset }) as AlertRow[];
    return { items: rows.map(toAlert), total };
  }

  loadConditions(): Map<string, DeviceConditionStates> {
    const rows = this.db.prepare("SELECT hall_id, device_id, states_json FROM fault_conditions").all() as {
      hall_id: string;
      device_id: string;
      states_json: string;
    }[];
    return new Map(
      rows.map((r) => [`${r.hall_id}/${r.device_id}`, JSON.parse(r.states_json) as DeviceConditionStates]),
    );
  }

  saveConditions(hallId: string, deviceId: string, states: DeviceConditionStates): void {
    this.db
      .prepare(
        `INSERT INTO fault_conditions (hall_id, device_id, states_json) VALUES (?, ?, ?)
         ON CONFLICT(hall_id, device_id) DO UPDATE SET states_json = excluded.states_json`,
      )
      .run(hallId, deviceId, JSON.stringify(states));
  }
}
