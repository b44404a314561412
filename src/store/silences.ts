import { randomUUID } from "node:crypto";
import type { Alert } from "../core/alerts/alert.js";
import { findSilence, type Silence, type SilenceMatchers } from "../core/silences/silence.js";
import type { HeldNotice } from "../notify/dispatcher.js";
import type { SilenceLookup } from "../notify/people/ports.js";
import type { Db } from "./database.js";

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

/** Silences (migration 17) and the notices they held; the dispatcher's SilenceLookup. */
export class SilenceStore implements SilenceLookup {
  constructor(private readonly db: Db) {}

  add(
    input: { matchers: SilenceMatchers; reason: string; startsMs: number; endsMs: number },
    createdBy: string,
    nowMs: number,
  ): StoredSilence {
    const id = randomUUID();
    this.db
      .prepare(
        `INSERT INTO silences (id, hall_id, matchers_json, reason, created_by, created_ms, starts_ms, ends_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        input.matchers.hallId ?? null,
        JSON.stringify(input.matchers),
        input.reason,
        createdBy,
        nowMs,
        input.startsMs,
        input.endsMs,
      );
    return this.get(id) as StoredSilence;
  }

  get(id: string): StoredSilence | null {
    const row = this.db.prepare(`${SELECT} WHERE s.id = ?`).get(id) as SilenceRow | undefined;
    return row ? toSilence(row) : null;
  }

  /**
   * Silences not yet ended, and those ended since `endedSinceMs`, newest end first; `hallIds` limits to those
   * halls plus the silences of every hall (undefined: all).
   */
  list(endedSinceMs: number, hallIds?: readonly string[]): StoredSilence[] {
    const rows = this.db
      .prepare(`${SELECT} WHERE s.ends_ms >= ? ORDER BY s.ends_ms DESC LIMIT 500`)
      .all(endedSinceMs) as SilenceRow[];
    return rows.map(toSilence).filter((s) => !hallIds || s.hallId === null || hallIds.includes(s.hallId));
  }

  /** Ends a silence now (it has its full history still); null when it had already ended. */
  lift(id: string, by: string, nowMs: number): StoredSilence | null {
    const changed = this.db
      .prepare("UPDATE silences SET ends_ms = ?, lifted_by = ?, lifted_ms = ? WHERE id = ? AND ends_ms > ?")
      .run(nowMs, by, nowMs, id, nowMs).changes;
    return changed > 0 ? this.get(id) : null;
  }

  silencing(alert: Alert, nowMs: number): { id: string } | null {
    const rows = this.db
      .prepare(
        "SELECT s.*, 0 AS held FROM silences s WHERE s.ends_ms > ? AND s.starts_ms <= ? AND (s.hall_id IS NULL OR s.hall_id = ?)",
      )
      .all(nowMs, nowMs, alert.hallId) as SilenceRow[];
    const found = findSilence(rows.map(toSilence), alert, nowMs);
    return found ? { id: found.id } : null;
  }

  recordHold(hold: HeldNotice): void {
    this.db
      .prepare(
        "INSERT INTO silence_holds (silence_id, alert_id, action, target, at_ms) VALUES (?, ?, ?, ?, ?)",
      )
      .run(hold.silenceId, hold.alertId, hold.action, hold.target, hold.atMs);
  }

  /** The notices held for an alert (why its people were not told), oldest first. */
  holdsOf(alertId: string): HeldNotice[] {
    return (
      this.db
        .prepare(
          "SELECT silence_id, alert_id, action, target, at_ms FROM silence_holds WHERE alert_id = ? ORDER BY id",
        )
        .all(alertId) as {
        silence_id: string;
        alert_id: string;
        action: string;
        target: string;
        at_ms: number;
      }[]
    ).map((r) => ({
      silenceId: r.silence_id,
      alertId: r.alert_id,
      action: r.action,
      target: r.target,
      atMs: r.at_ms,
    }));
  }
}
