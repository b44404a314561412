import { randomUUID } from "node:crypto";
import {
  DEFAULT_REPORT_SCHEDULE,
  type ReportKind,
  type ReportSchedule,
  reportScheduleSchema,
} from "../core/reports/schedule.js";
import type { SqlEngine, SqlExecutor } from "../store/sql/engine.js";

export interface StoredSchedule {
  schedule: ReportSchedule;
  /** False: nothing stored, the defaults apply. */
  stored: boolean;
  updatedMs: number | null;
  updatedBy: string | null;
}

export interface ReportRun {
  kind: ReportKind;
  period: string;
  sentMs: number;
  targets: string[];
}

/** Report schedules, the runs claimed, and stored attachments, as the scheduler, the API and the dispatcher use them. */
export interface ReportSchedulePort {
  get(hallId: string): Promise<StoredSchedule>;
  put(hallId: string, schedule: ReportSchedule, by: string, nowMs: number): Promise<void>;
  wasSent(hallId: string, kind: ReportKind, period: string): Promise<boolean>;
  markSent(
    hallId: string,
    kind: ReportKind,
    period: string,
    targets: string[],
    nowMs: number,
    tx?: SqlExecutor,
  ): Promise<boolean>;
  unmarkSent(hallId: string, kind: ReportKind, period: string): Promise<void>;
  lastSent(hallId: string): Promise<ReportRun[]>;
  saveFile(content: Buffer, nowMs: number): Promise<string>;
  loadFile(ref: string): Promise<Buffer | null>;
  pruneFiles(beforeMs: number): Promise<number>;
}

/** Report schedules per hall, the record of reports sent, and stored attachments (migration 18). */
export class ReportScheduleStore implements ReportSchedulePort {
  constructor(private readonly sql: SqlEngine) {}

  async get(hallId: string): Promise<StoredSchedule> {
    const row = await this.sql.get<{ schedule_json: string; updated_ms: number; updated_by: string }>(
      "SELECT schedule_json, updated_ms, updated_by FROM report_schedules WHERE hall_id = ?",
      [hallId],
    );
    if (!row) return { schedule: DEFAULT_REPORT_SCHEDULE, stored: false, updatedMs: null, updatedBy: null };
    // A schedule stored by an older version gets today's defaults for any field it lacks.
    const parsed = reportScheduleSchema.safeParse({
      ...DEFAULT_REPORT_SCHEDULE,
      ...JSON.parse(row.schedule_json),
    });
    return {
      schedule: parsed.success ? parsed.data : DEFAULT_REPORT_SCHEDULE,
      stored: true,
      updatedMs: row.updated_ms,
      updatedBy: row.updated_by,
    };
  }

  async put(hallId: string, schedule: ReportSchedule, by: string, nowMs: number): Promise<void> {
    await this.sql.run(
      `INSERT INTO report_schedules (hall_id, schedule_json, updated_ms, updated_by) VALUES (?, ?, ?, ?)
       ON CONFLICT (hall_id) DO UPDATE SET schedule_json = excluded.schedule_json,
         updated_ms = excluded.updated_ms, updated_by = excluded.updated_by`,
      [hallId, JSON.stringify(schedule), nowMs, by],
    );
  }

  async wasSent(hallId: string, kind: ReportKind, period: string): Promise<boolean> {
    const row = await this.sql.get(
      "SELECT 1 AS sent FROM report_runs WHERE hall_id = ? AND kind = ? AND period = ?",
      [hallId, kind, period],
    );
    return row !== undefined;
  }

  /**
   * Claims the run of a report: true for exactly one caller, whichever node polls (the primary key decides), false
   * when it was already claimed. Inside `tx` when given: the claim then commits with the report's queued messages.
   */
  async markSent(
    hallId: string,
    kind: ReportKind,
    period: string,
    targets: string[],
    nowMs: number,
    tx?: SqlExecutor,
  ): Promise<boolean> {
    const result = await (tx ?? this.sql).run(
      `INSERT INTO report_runs (hall_id, kind, period, sent_ms, targets_json) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (hall_id, kind, period) DO NOTHING`,
      [hallId, kind, period, nowMs, JSON.stringify(targets)],
    );
    return result.changes > 0;
  }

  /** Gives a claimed run back (its report could not be queued), so that the next poll sends it. */
  async unmarkSent(hallId: string, kind: ReportKind, period: string): Promise<void> {
    await this.sql.run("DELETE FROM report_runs WHERE hall_id = ? AND kind = ? AND period = ?", [
      hallId,
      kind,
      period,
    ]);
  }

  /** The latest run of each kind for a hall. */
  async lastSent(hallId: string): Promise<ReportRun[]> {
    const rows = await this.sql.all<{
      kind: ReportKind;
      period: string;
      sent_ms: number;
      targets_json: string;
    }>(
      `SELECT kind, period, sent_ms, targets_json FROM report_runs r WHERE hall_id = ?
       AND period = (SELECT MAX(period) FROM report_runs WHERE hall_id = r.hall_id AND kind = r.kind)`,
      [hallId],
    );
    return rows.map((r) => ({
      kind: r.kind,
      period: r.period,
      sentMs: r.sent_ms,
      targets: JSON.parse(r.targets_json),
    }));
  }

  /** Keeps an attachment out of the outbox JSON; the dispatcher loads it by reference at send time. */
  async saveFile(content: Buffer, nowMs: number): Promise<string> {
    const id = randomUUID();
    await this.sql.run("INSERT INTO report_files (id, content, created_ms) VALUES (?, ?, ?)", [
      id,
      content,
      nowMs,
    ]);
    return `report-file:${id}`;
  }

  async loadFile(ref: string): Promise<Buffer | null> {
    const id = /^report-file:(.+)$/.exec(ref)?.[1];
    if (!id) return null;
    const row = await this.sql.get<{ content: Buffer }>("SELECT content FROM report_files WHERE id = ?", [
      id,
    ]);
    return row ? Buffer.from(row.content) : null;
  }

  /** Files older than the outbox can still need (its retries last hours, not weeks). */
  async pruneFiles(beforeMs: number): Promise<number> {
    return (await this.sql.run("DELETE FROM report_files WHERE created_ms < ?", [beforeMs])).changes;
  }
}
