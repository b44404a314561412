import { randomUUID } from "node:crypto";
import type { MaintenanceWindow, MaintenanceWindowInput } from "../core/calendar/maintenance.js";
import type { Db } from "./database.js";

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

/** Maintenance windows; a removed window is kept (deleted_ms) so past uptime stays explainable. */
export class MaintenanceStore {
  constructor(private readonly db: Db) {}

  add(
    hallId: string,
    input: MaintenanceWindowInput,
    createdBy: string,
    nowMs = Date.now(),
  ): MaintenanceWindow {
    const id = randomUUID();
    this.db
      .prepare(
        "INSERT INTO maintenance_windows (id, hall_id, scope_json, recurrence_json, reason, created_by, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
      )
      .run(
        id,
        hallId,
        JSON.stringify(input.scope),
        JSON.stringify(input.recurrence),
        input.reason,
        createdBy,
        nowMs,
      );
    return { ...input, id, hallId, createdBy, createdMs: nowMs };
  }

  remove(id: string, nowMs = Date.now()): MaintenanceWindow | null {
    const row = this.db
      .prepare("SELECT * FROM maintenance_windows WHERE id = ? AND deleted_ms IS NULL")
      .get(id) as Row | undefined;
    if (!row) return null;
    this.db.prepare("UPDATE maintenance_windows SET deleted_ms = ? WHERE id = ?").run(nowMs, id);
    return toWindow(row);
  }

  get(id: string): MaintenanceWindow | null {
    const row = this.db
      .prepare("SELECT * FROM maintenance_windows WHERE id = ? AND deleted_ms IS NULL")
      .get(id) as Row | undefined;
    return row ? toWindow(row) : null;
  }

  /** Windows of a hall (all halls when omitted) that are not removed. */
  list(hallId?: string): MaintenanceWindow[] {
    const rows = (
      hallId === undefined
        ? this.db
            .prepare("SELECT * FROM maintenance_windows WHERE deleted_ms IS NULL ORDER BY created_ms")
            .all()
        : this.db
            .prepare(
              "SELECT * FROM maintenance_windows WHERE deleted_ms IS NULL AND hall_id = ? ORDER BY created_ms",
            )
            .all(hallId)
    ) as Row[];
    return rows.map(toWindow);
  }
}
