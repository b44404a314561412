import { randomUUID } from "node:crypto";
import {
  DEFAULT_REPORT_SCHEDULE,
  type ReportKind,
  type ReportSchedule,
  reportScheduleSchema,
} from "../core/reports/schedule.js";
import type { Db } from "../store/database.js";

export interface StoredSchedule {
  schedule: ReportSchedule;
  /** False: nothing stored, the defaults apply. */
  stored: boolean;
  updatedMs: number | null;
  updatedBy: string | null;
}

/** Report schedules per hall, the record of reports sent, and stored attachments (migration 18). */
export class ReportScheduleStore {
  constructor(readonly db: Db) {}

  get(hallId: string): StoredSchedule {
    const row = this.db
      .prepare("SELECT schedule_json, updated_ms, updated_by FROM report_schedules WHERE hall_id = ?")
      .get(hallId) as { schedule_json: string; updated_ms: number; updated_by: string } | undefined;
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

  put(hallId: string, schedule: ReportSchedule, by: string, nowMs: number): void {
    this.db
      .prepare(
        `INSERT INTO report_schedules (hall_id, schedule_json, updated_ms, updated_by) VALUES (?, ?, ?, ?)
         ON CONFLICT(hall_id) DO UPDATE SET schedule_json = excluded.schedule_json,
           updated_ms = excluded.updated_ms, updated_by = excluded.updated_by`,
      )
      .run(hallId, JSON.stringify(schedule), nowMs, by);
  }

  wasSent(hallId: string, kind: ReportKind, period: string): boolean {
    return (
      this.db
        .prepare("SELECT 1 FROM report_runs WHERE hall_id = ? AND kind = ? AND period = ?")
        .get(hallId, kind, period) !== undefined
    );
  }

  /** Records the report as sent; false when it already was (call inside the transaction that queues it). */
  markSent(hallId: string, kind: ReportKind, period: string, targets: string[], nowMs: number): boolean {
    return (
      this.db
        .prepare(
          "INSERT OR IGNORE INTO report_runs (hall_id, kind, period, sent_ms, targets_json) VALUES (?, ?, ?, ?, ?)",
        )
        .run(hallId, kind, period, nowMs, JSON.stringify(targets)).changes > 0
    );
  }

  lastSent(hallId: string): { kind: ReportKind; period: string; sentMs: number; targets: string[] }[] {
    return (
      this.db
        .prepare(
          `SELECT kind, period, sent_ms, targets_json FROM report_runs r WHERE hall_id = ?
           AND period = (SELECT MAX(period) FROM report_runs WHERE hall_id = r.hall_id AND kind = r.kind)`,
        )
        .all(hallId) as { kind: ReportKind; period: string; sent_ms: number; targets_json: string }[]
    ).map((r) => ({
      kind: r.kind,
      period: r.period,
      sentMs: r.sent_ms,
      targets: JSON.parse(r.targets_json),
    }));
  }

  /** Keeps an attachment out of the outbox JSON; the dispatcher loads it by reference at send time. */
  saveFile(content: Buffer, nowMs: number): string {
    const id = randomUUID();
    this.db
      .prepare("INSERT INTO report_files (id, content, created_ms) VALUES (?, ?, ?)")
      .run(id, content, nowMs);
    return `report-file:${id}`;
  }

  loadFile(ref: string): Buffer | null {
    const id = /^report-file:(.+)$/.exec(ref)?.[1];
    if (!id) return null;
    const row = this.db.prepare("SELECT content FROM report_files WHERE id = ?").get(id) as
      | { content: Buffer }
      | undefined;
    return row ? Buffer.from(row.content) : null;
  }

  /** Files older than the outbox can still need (its retries last hours, not weeks). */
  pruneFiles(beforeMs: number): number {
    return this.db.prepare("DELETE FROM report_files WHERE created_ms < ?").run(beforeMs).changes;
  }
}
