import { createHash, randomUUID } from "node:crypto";
import type { CheckItem } from "../core/inspections/checklist.js";
import type { InspectionRecord } from "../core/inspections/record.js";
import type { Db } from "./database.js";

/** Records are kept at least this long; the database refuses to delete younger ones (migration 9). */
export const MIN_RETENTION_DAYS = 366;

export interface CorrectiveAction {
  id: string;
  hallId: string;
  assetId: string;
  recordId: string;
  item: CheckItem;
  alertId: string | null;
  openedMs: number;
  openedBy: string;
  closed: { atMs: number; by: string; note: string } | null;
}

interface RecordRow {
  id: string;
  hall_id: string;
  asset_id: string;
  period_key: string;
  inspected_ms: number;
  recorded_ms: number;
  inspector: string;
  passed: number;
  results_json: string;
  note: string | null;
  photo_id: string | null;
  sensor_json: string;
  corrects_id: string | null;
}

interface ActionRow {
  id: string;
  hall_id: string;
  asset_id: string;
  record_id: string;
  item: string;
  alert_id: string | null;
  opened_ms: number;
  opened_by: string;
  closed_ms: number | null;
  closed_by: string | null;
  close_note: string | null;
}

const toRecord = (r: RecordRow): InspectionRecord => {
  const results = JSON.parse(r.results_json) as InspectionRecord["results"];
  return {
    id: r.id,
    hallId: r.hall_id,
    assetId: r.asset_id,
    periodKey: r.period_key,
    inspectedMs: r.inspected_ms,
    recordedMs: r.recorded_ms,
    inspector: r.inspector,
    results,
    failedItems: (Object.keys(results) as CheckItem[]).filter((i) => results[i] === "fail"),
    passed: r.passed === 1,
    note: r.note,
    photoId: r.photo_id,
    sensor: JSON.parse(r.sensor_json) as InspectionRecord["sensor"],
    correctsId: r.corrects_id,
  };
};

const toAction = (r: ActionRow): CorrectiveAction => ({
  id: r.id,
  hallId: r.hall_id,
  assetId: r.asset_id,
  recordId: r.record_id,
  item: r.item as CheckItem,
  alertId: r.alert_id,
  openedMs: r.opened_ms,
  openedBy: r.opened_by,
  closed:
    r.closed_ms !== null ? { atMs: r.closed_ms, by: r.closed_by as string, note: r.close_note ?? "" } : null,
});

/**
 * Inspection records, their photos and corrective actions. There is no update or delete of a record here, and
 * the database's triggers refuse them from any other code too; `purgeOlderThan` removes only what is past the
 * retention period (never younger than MIN_RETENTION_DAYS).
 */
export class InspectionStore {
  constructor(private readonly db: Db) {}

  /** Writes a record (with its photo) and opens its corrective actions in one transaction. */
  append(
    record: InspectionRecord,
    photo: { mime: string; bytes: Buffer } | null,
    actions: { item: CheckItem; alertId: string | null }[],
  ): { record: InspectionRecord; actions: CorrectiveAction[] } {
    const opened: CorrectiveAction[] = [];
    let stored = record;
    this.db.transaction(() => {
      if (photo) {
        const photoId = randomUUID();
        this.db
          .prepare(
            "INSERT INTO inspection_photos (id, hall_id, mime, sha256, bytes, recorded_ms) VALUES (?, ?, ?, ?, ?, ?)",
          )
          .run(
            photoId,
            record.hallId,
            photo.mime,
            createHash("sha256").update(photo.bytes).digest("hex"),
            photo.bytes,
            record.recordedMs,
          );
        stored = { ...record, photoId };
      }
      this.db
        .prepare(
          `INSERT INTO inspection_records (id, hall_id, asset_id, period_key, inspected_ms, recorded_ms, inspector,
           passed, results_json, note, photo_id, sensor_json, corrects_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          stored.id,
          stored.hallId,
          stored.assetId,
          stored.periodKey,
          stored.inspectedMs,
          stored.recordedMs,
          stored.inspector,
          stored.passed ? 1 : 0,
          JSON.stringify(stored.results),
          stored.note,
          stored.photoId,
          JSON.stringify(stored.sensor),
          stored.correctsId,
        );
      for (const action of actions) {
        const id = randomUUID();
        this.db
          .prepare(
            `INSERT INTO corrective_actions (id, hall_id, asset_id, record_id, item, alert_id, opened_ms, opened_by)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            id,
            stored.hallId,
            stored.assetId,
            stored.id,
            action.item,
            action.alertId,
            stored.recordedMs,
            stored.inspector,
          );
        opened.push(this.action(id) as CorrectiveAction);
      }
    })();
    return { record: stored, actions: opened };
  }

  record(id: string): InspectionRecord | null {
    const row = this.db.prepare("SELECT * FROM inspection_records WHERE id = ?").get(id) as
      | RecordRow
      | undefined;
    return row ? toRecord(row) : null;
  }

  /** The record that corrects this one, if any. */
  correctionOf(id: string): InspectionRecord | null {
    const row = this.db.prepare("SELECT * FROM inspection_records WHERE corrects_id = ?").get(id) as
      | RecordRow
      | undefined;
    return row ? toRecord(row) : null;
  }

  /** Records of a hall (optionally one asset) inspected in [fromMs, toMs), oldest first. */
  records(filter: { hallId: string; assetId?: string; fromMs?: number; toMs?: number; limit?: number }) {
    const rows = this.db
      .prepare(
        `SELECT * FROM inspection_records WHERE hall_id = ? AND (? IS NULL OR asset_id = ?)
         AND inspected_ms >= ? AND inspected_ms < ? ORDER BY inspected_ms, recorded_ms LIMIT ?`,
      )
      .all(
        filter.hallId,
        filter.assetId ?? null,
        filter.assetId ?? null,
        filter.fromMs ?? 0,
        filter.toMs ?? Number.MAX_SAFE_INTEGER,
        filter.limit ?? 100_000,
      ) as RecordRow[];
    return rows.map(toRecord);
  }

  /** Records of a hall for the given periods (a correction recorded later still counts for its period). */
  recordsForPeriods(hallId: string, periodKeys: readonly string[]): InspectionRecord[] {
    if (periodKeys.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT * FROM inspection_records WHERE hall_id = ? AND period_key IN (SELECT value FROM json_each(?))
         ORDER BY inspected_ms, recorded_ms`,
      )
      .all(hallId, JSON.stringify(periodKeys)) as RecordRow[];
    return rows.map(toRecord);
  }

  photo(id: string): { hallId: string; mime: string; bytes: Buffer; sha256: string } | null {
    const row = this.db
      .prepare("SELECT hall_id, mime, bytes, sha256 FROM inspection_photos WHERE id = ?")
      .get(id) as { hall_id: string; mime: string; bytes: Buffer; sha256: string } | undefined;
    return row ? { hallId: row.hall_id, mime: row.mime, bytes: row.bytes, sha256: row.sha256 } : null;
  }

  action(id: string): CorrectiveAction | null {
    const row = this.db.prepare("SELECT * FROM corrective_actions WHERE id = ?").get(id) as
      | ActionRow
      | undefined;
    return row ? toAction(row) : null;
  }

  actions(filter: { hallId: string; assetId?: string; open?: boolean; recordIds?: readonly string[] }) {
    const rows = this.db
      .prepare(
        `SELECT * FROM corrective_actions WHERE hall_id = ? AND (? IS NULL OR asset_id = ?)
         AND (? IS NULL OR (closed_ms IS NULL) = ?)
         AND (? IS NULL OR record_id IN (SELECT value FROM json_each(?))) ORDER BY opened_ms, item`,
      )
      .all(
        filter.hallId,
        filter.assetId ?? null,
        filter.assetId ?? null,
        filter.open === undefined ? null : 1,
        filter.open ? 1 : 0,
        filter.recordIds ? 1 : null,
        JSON.stringify(filter.recordIds ?? []),
      ) as ActionRow[];
    return rows.map(toAction);
  }

  /** Closes an open action; null when it is not open. */
  close(id: string, by: string, note: string, nowMs: number): CorrectiveAction | null {
    const result = this.db
      .prepare(
        "UPDATE corrective_actions SET closed_ms = ?, closed_by = ?, close_note = ? WHERE id = ? AND closed_ms IS NULL",
      )
      .run(nowMs, by, note, id);
    return result.changes === 0 ? null : this.action(id);
  }

  /**
   * Removes records, photos and closed corrective actions older than `retentionDays` (at least
   * MIN_RETENTION_DAYS). A record still pointed at by a younger correction or by an open action stays.
   */
  purgeOlderThan(retentionDays: number, nowMs: number): { records: number; photos: number; actions: number } {
    if (retentionDays < MIN_RETENTION_DAYS)
      throw new RangeError(`inspection records are kept at least ${MIN_RETENTION_DAYS} days`);
    const cutoffMs = nowMs - retentionDays * 86_400_000;
    let removed = { records: 0, photos: 0, actions: 0 };
    this.db.transaction(() => {
      const actions = this.db
        .prepare("DELETE FROM corrective_actions WHERE opened_ms < ? AND closed_ms IS NOT NULL")
        .run(cutoffMs).changes;
      // A record stays while a younger record (directly or through a chain of corrections) or any remaining
      // corrective action points at it.
      const records = this.db
        .prepare(
          `WITH RECURSIVE keep(id) AS (
             SELECT id FROM inspection_records WHERE recorded_ms >= ?
             UNION SELECT record_id FROM corrective_actions
             UNION SELECT r.corrects_id FROM inspection_records r JOIN keep k ON r.id = k.id
               WHERE r.corrects_id IS NOT NULL
           )
           DELETE FROM inspection_records WHERE recorded_ms < ? AND id NOT IN (SELECT id FROM keep)`,
        )
        .run(cutoffMs, cutoffMs).changes;
      const photos = this.db
        .prepare(
          `DELETE FROM inspection_photos WHERE recorded_ms < ?
           AND id NOT IN (SELECT photo_id FROM inspection_records WHERE photo_id IS NOT NULL)`,
        )
        .run(cutoffMs).changes;
      removed = { records, photos, actions };
    })();
    return removed;
  }
}
