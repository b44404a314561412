import { randomUUID } from "node:crypto";
import type { Alert } from "../core/alerts/alert.js";
import { findSilence, type Silence, type SilenceMatchers } from "../core/silences/silence.js";
import type { HeldNotice } from "../notify/dispatcher.js";
import type { SilenceLookup } from "../notify/people/ports.js";
import type { SqlEngine } from "./sql/engine.js";

interface SilenceRow {
  id: string;
  hall_id: string | null;
  matchers_json: string;
  reason: string;
  created_by: string;
  created_ms: number;
  starts_ms: number;
  ends_ms: number;
  lifted_by: string | null;
  lifted_ms: number | null;
  held?: number;
}

export type StoredSilence = Silence & { hallId: string | null; held: number };

const toSilence = (r: SilenceRow): StoredSilence => ({
  id: r.id,
  hallId: r.hall_id,
  matchers: JSON.parse(r.matchers_json),
  reason: r.reason,
  createdBy: r.created_by,
  createdMs: r.created_ms,
  startsMs: r.starts_ms,
  endsMs: r.ends_ms,
  liftedBy: r.lifted_by,
  liftedMs: r.lifted_ms,
  held: r.held ?? 0,
});

const SELECT = `SELECT s.*, (SELECT COUNT(*) FROM silence_holds h WHERE h.silence_id = s.id) AS held FROM silences s`;

/** Silences as the API and the notifiers use them: the dispatcher's SilenceLookup, and where held notices go. */
export interface SilencePort extends SilenceLookup {
  add(
    input: { matchers: SilenceMatchers; reason: string; startsMs: number; endsMs: number },
    createdBy: string,
    nowMs: number,
  ): Promise<StoredSilence>;
  get(id: string): Promise<StoredSilence | null>;
  list(endedSinceMs: number, hallIds?: readonly string[]): Promise<StoredSilence[]>;
  lift(id: string, by: string, nowMs: number): Promise<StoredSilence | null>;
  recordHold(hold: HeldNotice): Promise<void>;
  holdsOf(alertId: string): Promise<HeldNotice[]>;
}

/** Silences (migration 17) and the notices they held, on SQLite or PostgreSQL. */
export class SilenceStore implements SilencePort {
  constructor(private readonly sql: SqlEngine) {}

  async add(
    input: { matchers: SilenceMatchers; reason: string; startsMs: number; endsMs: number },
    createdBy: string,
    nowMs: number,
  ): Promise<StoredSilence> {
    const id = randomUUID();
    await this.sql.run(
      `INSERT INTO silences (id, hall_id, matchers_json, reason, created_by, created_ms, starts_ms, ends_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        input.matchers.hallId ?? null,
        JSON.stringify(input.matchers),
        input.reason,
        createdBy,
        nowMs,
        input.startsMs,
        input.endsMs,
      ],
    );
    return (await this.get(id)) as StoredSilence;
  }

  async get(id: string): Promise<StoredSilence | null> {
    const row = await this.sql.get<SilenceRow>(`${SELECT} WHERE s.id = ?`, [id]);
    return row ? toSilence(row) : null;
  }

  /**
   * Silences not yet ended, and those ended since `endedSinceMs`, newest end first; `hallIds` limits to those
   * halls plus the silences of every hall (undefined: all).
   */
  async list(endedSinceMs: number, hallIds?: readonly string[]): Promise<StoredSilence[]> {
    const rows = await this.sql.all<SilenceRow>(
      `${SELECT} WHERE s.ends_ms >= ? ORDER BY s.ends_ms DESC, s.created_ms DESC LIMIT 500`,
      [endedSinceMs],
    );
    return rows.map(toSilence).filter((s) => !hallIds || s.hallId === null || hallIds.includes(s.hallId));
  }

  /** Ends a silence now (it has its full history still); null when it had already ended. */
  async lift(id: string, by: string, nowMs: number): Promise<StoredSilence | null> {
    const { changes } = await this.sql.run(
      "UPDATE silences SET ends_ms = ?, lifted_by = ?, lifted_ms = ? WHERE id = ? AND ends_ms > ?",
      [nowMs, by, nowMs, id, nowMs],
    );
    return changes > 0 ? this.get(id) : null;
  }

  async silencing(alert: Alert, nowMs: number): Promise<{ id: string } | null> {
    const rows = await this.sql.all<SilenceRow>(
      "SELECT s.*, 0 AS held FROM silences s WHERE s.ends_ms > ? AND s.starts_ms <= ? AND (s.hall_id IS NULL OR s.hall_id = ?)",
      [nowMs, nowMs, alert.hallId],
    );
    const found = findSilence(rows.map(toSilence), alert, nowMs);
    return found ? { id: found.id } : null;
  }

  async recordHold(hold: HeldNotice): Promise<void> {
    await this.sql.run(
      "INSERT INTO silence_holds (silence_id, alert_id, action, target, at_ms) VALUES (?, ?, ?, ?, ?)",
      [hold.silenceId, hold.alertId, hold.action, hold.target, hold.atMs],
    );
  }

  /** The notices held for an alert (why its people were not told), oldest first. */
  async holdsOf(alertId: string): Promise<HeldNotice[]> {
    const rows = await this.sql.all<{
      silence_id: string;
      alert_id: string;
      action: string;
      target: string;
      at_ms: number;
    }>(
      "SELECT silence_id, alert_id, action, target, at_ms FROM silence_holds WHERE alert_id = ? ORDER BY id",
      [alertId],
    );
    return rows.map((r) => ({
      silenceId: r.silence_id,
      alertId: r.alert_id,
      action: r.action,
      target: r.target,
      atMs: r.at_ms,
    }));
  }
}
