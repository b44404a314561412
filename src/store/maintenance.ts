import { randomUUID } from "node:crypto";
import type { MaintenanceWindow, MaintenanceWindowInput } from "../core/calendar/maintenance.js";
import { bumpConfigVersion, readConfigVersion } from "./config-versions.js";
import type { Db } from "./database.js";
import type { SqlEngine } from "./sql/engine.js";
import { SqliteEngine } from "./sql/sqlite-engine.js";

interface Row {
  id: string;
  hall_id: string;
  scope_json: string;
  recurrence_json: string;
  reason: string;
  created_by: string;
  created_ms: number;
}

const toWindow = (r: Row): MaintenanceWindow => ({
  id: r.id,
  hallId: r.hall_id,
  scope: JSON.parse(r.scope_json) as MaintenanceWindow["scope"],
  recurrence: JSON.parse(r.recurrence_json) as MaintenanceWindow["recurrence"],
  reason: r.reason,
  createdBy: r.created_by,
  createdMs: r.created_ms,
});

const COLUMNS = "id, hall_id, scope_json, recurrence_json, reason, created_by, created_ms";
const VERSION_NAME = "maintenance_windows";

/** Maintenance windows in the system of record (SQLite or PostgreSQL). */
export interface MaintenanceRecords {
  add(
    hallId: string,
    input: MaintenanceWindowInput,
    createdBy: string,
    nowMs?: number,
  ): Promise<MaintenanceWindow>;
  /** The removed window, or null when there was none (or it was already removed). */
  remove(id: string, nowMs?: number): Promise<MaintenanceWindow | null>;
  get(id: string): Promise<MaintenanceWindow | null>;
  /** Windows of a hall (all halls when omitted) that are not removed, oldest first. */
  list(hallId?: string): Promise<MaintenanceWindow[]>;
  /** Grows with every change, from any process. */
  version(): Promise<number>;
}

/** A removed window is kept (deleted_ms) so past uptime stays explainable. */
export class MaintenanceStore implements MaintenanceRecords {
  constructor(private readonly sql: SqlEngine) {}

  /** On an open SQLite connection (the CLI). */
  static onSqlite(db: Db): MaintenanceStore {
    return new MaintenanceStore(new SqliteEngine(db));
  }

  async add(
    hallId: string,
    input: MaintenanceWindowInput,
    createdBy: string,
    nowMs = Date.now(),
  ): Promise<MaintenanceWindow> {
    const id = randomUUID();
    await this.sql.transaction(async (tx) => {
      await tx.run(`INSERT INTO maintenance_windows (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`, [
        id,
        hallId,
        JSON.stringify(input.scope),
        JSON.stringify(input.recurrence),
        input.reason,
        createdBy,
        nowMs,
      ]);
      await bumpConfigVersion(tx, VERSION_NAME);
    });
    return { ...input, id, hallId, createdBy, createdMs: nowMs };
  }

  async remove(id: string, nowMs = Date.now()): Promise<MaintenanceWindow | null> {
    return await this.sql.transaction(async (tx) => {
      const row = await tx.get<Row>(
        `UPDATE maintenance_windows SET deleted_ms = ? WHERE id = ? AND deleted_ms IS NULL RETURNING ${COLUMNS}`,
        [nowMs, id],
      );
      if (!row) return null;
      await bumpConfigVersion(tx, VERSION_NAME);
      return toWindow(row);
    });
  }

  async get(id: string): Promise<MaintenanceWindow | null> {
    const row = await this.sql.get<Row>(
      `SELECT ${COLUMNS} FROM maintenance_windows WHERE id = ? AND deleted_ms IS NULL`,
      [id],
    );
    return row ? toWindow(row) : null;
  }

  async list(hallId?: string): Promise<MaintenanceWindow[]> {
    const rows =
      hallId === undefined
        ? await this.sql.all<Row>(
            `SELECT ${COLUMNS} FROM maintenance_windows WHERE deleted_ms IS NULL ORDER BY created_ms, id`,
          )
        : await this.sql.all<Row>(
            `SELECT ${COLUMNS} FROM maintenance_windows WHERE deleted_ms IS NULL AND hall_id = ?
             ORDER BY created_ms, id`,
            [hallId],
          );
    return rows.map(toWindow);
  }

  async version(): Promise<number> {
    return await readConfigVersion(this.sql, VERSION_NAME);
  }
}
