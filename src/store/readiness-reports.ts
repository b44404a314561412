import type { ReadinessReport } from "../core/calendar/readiness.js";
import type { SqlEngine } from "./sql/engine.js";

// A claim, not an upsert: the primary key (hall_id, opening_ms) lets exactly one node record each opening's check.
const CLAIM =
  "INSERT INTO readiness_reports (hall_id, opening_ms, generated_ms, report_json) VALUES (?, ?, ?, ?) " +
  "ON CONFLICT (hall_id, opening_ms) DO NOTHING";
const LATEST = "SELECT report_json FROM readiness_reports WHERE hall_id = ? ORDER BY opening_ms DESC LIMIT 1";

/**
 * The pre-opening readiness reports, one per hall and opening, on SQLite or PostgreSQL. With several nodes each
 * runs the check; the first to record a report claims that opening, and only it announces the report.
 */
export class ReadinessReportStore {
  constructor(private readonly sql: SqlEngine) {}

  /** Records the report unless its hall and opening already have one: true for the one caller that recorded it. */
  async claim(report: ReadinessReport): Promise<boolean> {
    const params = [report.hallId, report.openingMs, report.generatedMs, JSON.stringify(report)];
    const { changes } = await this.sql.run(CLAIM, params);
    return changes > 0;
  }

  /** The hall's report for its latest opening that has one. */
  async latest(hallId: string): Promise<ReadinessReport | null> {
    const row = await this.sql.get<{ report_json: string }>(LATEST, [hallId]);
    return row ? (JSON.parse(row.report_json) as ReadinessReport) : null;
  }
}
