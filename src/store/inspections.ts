import { createHash, randomUUID } from "node:crypto";
import type { CheckItem } from "../core/inspections/checklist.js";
import type { InspectionRecord } from "../core/inspections/record.js";
import { bumpConfigVersion, readConfigVersion } from "./config-versions.js";
import type { SqlEngine, SqlExecutor } from "./sql/engine.js";

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

export interface StoredPhoto {
  hallId: string;
  mime: string;
  bytes: Buffer;
  sha256: string;
}

export interface RecordFilter {
  hallId: string;
  assetId?: string;
  fromMs?: number;
  toMs?: number;
  limit?: number;
}

export interface ActionFilter {
  hallId: string;
  assetId?: string;
  open?: boolean;
  recordIds?: readonly string[];
}

/** Inspection records, photos and corrective actions, on SQLite or PostgreSQL. */
export interface InspectionPort {
  append(
    record: InspectionRecord,
    photo: { mime: string; bytes: Buffer } | null,
    actions: { item: CheckItem; alertId: string | null }[],
  ): Promise<{ record: InspectionRecord; actions: CorrectiveAction[] }>;
  record(id: string): Promise<InspectionRecord | null>;
  correctionOf(id: string): Promise<InspectionRecord | null>;
  records(filter: RecordFilter): Promise<InspectionRecord[]>;
  recordsForPeriods(hallId: string, periodKeys: readonly string[]): Promise<InspectionRecord[]>;
  photo(id: string): Promise<StoredPhoto | null>;
  action(id: string): Promise<CorrectiveAction | null>;
  actions(filter: ActionFilter): Promise<CorrectiveAction[]>;
  close(id: string, by: string, note: string, nowMs: number): Promise<CorrectiveAction | null>;
  purgeOlderThan(
    retentionDays: number,
    nowMs: number,
  ): Promise<{ records: number; photos: number; actions: number }>;
  /** Raised by every append, close and purge from any process (the service's in-memory view reloads on it). */
  version(): Promise<number>;
}

const VERSION = "inspections";
/** Ids per `IN (…)` list: well under both engines' limits on bound parameters. */
const IN_CHUNK = 500;

const chunks = <T>(items: readonly T[]): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += IN_CHUNK) out.push(items.slice(i, i + IN_CHUNK));
  return out;
};
const marks = (n: number) => Array.from({ length: n }, () => "?").join(", ");
const byTime = (a: InspectionRecord, b: InspectionRecord) =>
  a.inspectedMs - b.inspectedMs || a.recordedMs - b.recordedMs;

/** PostgreSQL's unique violation of `corrects_id`, reported as SQLite reports it, so callers see one error. */
function sameUniqueError(err: unknown): unknown {
  const e = err as { code?: string; constraint?: string } | null;
  if (e?.code === "23505" && e.constraint?.includes("corrects_id")) {
    const out = new Error("UNIQUE constraint failed: inspection_records.corrects_id");
    (out as Error & { code: string }).code = "SQLITE_CONSTRAINT_UNIQUE";
    return out;
  }
  return err;
}

async function actionIn(sql: SqlExecutor, id: string): Promise<CorrectiveAction | null> {
  const row = await sql.get<ActionRow>("SELECT * FROM corrective_actions WHERE id = ?", [id]);
  return row ? toAction(row) : null;
}

/**
 * Inspection records, their photos and corrective actions. There is no update or delete of a record here, and
 * the database's triggers (on both engines) refuse them from any other code too; `purgeOlderThan` removes only
 * what is past the retention period (never younger than MIN_RETENTION_DAYS).
 */
export class InspectionStore implements InspectionPort {
  constructor(private readonly sql: SqlEngine) {}

  /** Writes a record (with its photo) and opens its corrective actions in one transaction. */
  async append(
    record: InspectionRecord,
    photo: { mime: string; bytes: Buffer } | null,
    actions: { item: CheckItem; alertId: string | null }[],
  ): Promise<{ record: InspectionRecord; actions: CorrectiveAction[] }> {
    try {
      return await this.sql.transaction(async (tx) => {
        let stored = record;
        if (photo) {
          const photoId = randomUUID();
          await tx.run(
            "INSERT INTO inspection_photos (id, hall_id, mime, sha256, bytes, recorded_ms) VALUES (?, ?, ?, ?, ?, ?)",
            [
              photoId,
              record.hallId,
              photo.mime,
              createHash("sha256").update(photo.bytes).digest("hex"),
              photo.bytes,
              record.recordedMs,
            ],
          );
          stored = { ...record, photoId };
        }
        await tx.run(
          `INSERT INTO inspection_records (id, hall_id, asset_id, period_key, inspected_ms, recorded_ms, inspector,
           passed, results_json, note, photo_id, sensor_json, corrects_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
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
          ],
        );
        const opened: CorrectiveAction[] = [];
        for (const action of actions) {
          const id = randomUUID();
          await tx.run(
            `INSERT INTO corrective_actions (id, hall_id, asset_id, record_id, item, alert_id, opened_ms, opened_by)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
            [
              id,
              stored.hallId,
              stored.assetId,
              stored.id,
              action.item,
              action.alertId,
              stored.recordedMs,
              stored.inspector,
            ],
          );
          opened.push((await actionIn(tx, id)) as CorrectiveAction);
        }
        await bumpConfigVersion(tx, VERSION);
        return { record: stored, actions: opened };
      });
    } catch (err) {
      throw sameUniqueError(err);
    }
  }

  async record(id: string): Promise<InspectionRecord | null> {
    const row = await this.sql.get<RecordRow>("SELECT * FROM inspection_records WHERE id = ?", [id]);
    return row ? toRecord(row) : null;
  }

  /** The record that corrects this one, if any. */
  async correctionOf(id: string): Promise<InspectionRecord | null> {
    const row = await this.sql.get<RecordRow>("SELECT * FROM inspection_records WHERE corrects_id = ?", [id]);
    return row ? toRecord(row) : null;
  }

  /** Records of a hall (optionally one asset) inspected in [fromMs, toMs), oldest first. */
  async records(filter: RecordFilter): Promise<InspectionRecord[]> {
    const params: (string | number)[] = [filter.hallId];
    let where = "hall_id = ?";
    if (filter.assetId !== undefined) {
      where += " AND asset_id = ?";
      params.push(filter.assetId);
    }
    const rows = await this.sql.all<RecordRow>(
      `SELECT * FROM inspection_records WHERE ${where} AND inspected_ms >= ? AND inspected_ms < ?
       ORDER BY inspected_ms, recorded_ms LIMIT ?`,
      [...params, filter.fromMs ?? 0, filter.toMs ?? Number.MAX_SAFE_INTEGER, filter.limit ?? 100_000],
    );
    return rows.map(toRecord);
  }

  /** Records of a hall for the given periods (a correction recorded later still counts for its period). */
  async recordsForPeriods(hallId: string, periodKeys: readonly string[]): Promise<InspectionRecord[]> {
    const out: InspectionRecord[] = [];
    for (const keys of chunks([...new Set(periodKeys)])) {
      const rows = await this.sql.all<RecordRow>(
        `SELECT * FROM inspection_records WHERE hall_id = ? AND period_key IN (${marks(keys.length)})`,
        [hallId, ...keys],
      );
      out.push(...rows.map(toRecord));
    }
    return out.sort(byTime);
  }

  async photo(id: string): Promise<StoredPhoto | null> {
    const row = await this.sql.get<{ hall_id: string; mime: string; bytes: Buffer; sha256: string }>(
      "SELECT hall_id, mime, bytes, sha256 FROM inspection_photos WHERE id = ?",
      [id],
    );
    return row
      ? { hallId: row.hall_id, mime: row.mime, bytes: Buffer.from(row.bytes), sha256: row.sha256 }
      : null;
  }

  async action(id: string): Promise<CorrectiveAction | null> {
    return await actionIn(this.sql, id);
  }

  /** A hall's corrective actions, oldest first (by item within one record). */
  async actions(filter: ActionFilter): Promise<CorrectiveAction[]> {
    const params: (string | number)[] = [filter.hallId];
    let where = "hall_id = ?";
    if (filter.assetId !== undefined) {
      where += " AND asset_id = ?";
      params.push(filter.assetId);
    }
    if (filter.open !== undefined)
      where += filter.open ? " AND closed_ms IS NULL" : " AND closed_ms IS NOT NULL";
    const select = (extra: string, more: string[]) =>
      this.sql.all<ActionRow>(`SELECT * FROM corrective_actions WHERE ${where}${extra}`, [
        ...params,
        ...more,
      ]);
    let rows: ActionRow[] = [];
    if (!filter.recordIds) rows = await select("", []);
    else
      for (const ids of chunks([...new Set(filter.recordIds)]))
        rows.push(...(await select(` AND record_id IN (${marks(ids.length)})`, ids)));
    return rows
      .map(toAction)
      .sort((a, b) => a.openedMs - b.openedMs || (a.item < b.item ? -1 : a.item > b.item ? 1 : 0));
  }

  /** Closes an open action; null when it is not open (or does not exist). */
  async close(id: string, by: string, note: string, nowMs: number): Promise<CorrectiveAction | null> {
    return await this.sql.transaction(async (tx) => {
      const result = await tx.run(
        "UPDATE corrective_actions SET closed_ms = ?, closed_by = ?, close_note = ? WHERE id = ? AND closed_ms IS NULL",
        [nowMs, by, note, id],
      );
      if (result.changes === 0) return null;
      await bumpConfigVersion(tx, VERSION);
      return await actionIn(tx, id);
    });
  }

  /**
   * Removes records, photos and closed corrective actions older than `retentionDays` (at least
   * MIN_RETENTION_DAYS). A record still pointed at by a younger correction or by an open action stays.
   */
  async purgeOlderThan(
    retentionDays: number,
    nowMs: number,
  ): Promise<{ records: number; photos: number; actions: number }> {
    if (retentionDays < MIN_RETENTION_DAYS)
      throw new RangeError(`inspection records are kept at least ${MIN_RETENTION_DAYS} days`);
    const cutoffMs = nowMs - retentionDays * 86_400_000;
    return await this.sql.transaction(async (tx) => {
      const actions = (
        await tx.run("DELETE FROM corrective_actions WHERE opened_ms < ? AND closed_ms IS NOT NULL", [
          cutoffMs,
        ])
      ).changes;
      // A record stays while a younger record (directly or through a chain of corrections) or any remaining
      // corrective action points at it.
      const records = (
        await tx.run(
          `WITH RECURSIVE keep(id) AS (
             SELECT id FROM inspection_records WHERE recorded_ms >= ?
             UNION SELECT record_id FROM corrective_actions
             UNION SELECT r.corrects_id FROM inspection_records r JOIN keep k ON r.id = k.id
               WHERE r.corrects_id IS NOT NULL
           )
           DELETE FROM inspection_records WHERE recorded_ms < ? AND id NOT IN (SELECT id FROM keep)`,
          [cutoffMs, cutoffMs],
        )
      ).changes;
      const photos = (
        await tx.run(
          `DELETE FROM inspection_photos WHERE recorded_ms < ?
           AND id NOT IN (SELECT photo_id FROM inspection_records WHERE photo_id IS NOT NULL)`,
          [cutoffMs],
        )
      ).changes;
      if (records + photos + actions > 0) await bumpConfigVersion(tx, VERSION);
      return { records, photos, actions };
    });
  }

  async version(): Promise<number> {
    return await readConfigVersion(this.sql, VERSION);
  }
}
