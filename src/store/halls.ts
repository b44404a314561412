import { type OpeningHours, openingHoursSchema } from "../core/calendar/opening-hours.js";
import type { Db } from "./database.js";

export interface Hall {
  id: string;
  name: string;
  timeZone: string;
  createdMs: number;
}

export class HallStore {
  constructor(private readonly db: Db) {}

  upsert(hall: { id: string; name: string; timeZone?: string }, nowMs = Date.now()): void {
    this.db
      .prepare(
        `INSERT INTO halls (id, name, time_zone, created_ms) VALUES (?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone`,
      )
      .run(hall.id, hall.name, hall.timeZone ?? "Asia/Shanghai", nowMs);
  }

  get(id: string): Hall | null {
    const row = this.db.prepare("SELECT id, name, time_zone, created_ms FROM halls WHERE id = ?").get(id) as
      | { id: string; name: string; time_zone: string; created_ms: number }
      | undefined;
    return row ? { id: row.id, name: row.name, timeZone: row.time_zone, createdMs: row.created_ms } : null;
  }

  list(): Hall[] {
    return (
      this.db.prepare("SELECT id, name, time_zone, created_ms FROM halls ORDER BY id").all() as {
        id: string;
        name: string;
        time_zone: string;
        created_ms: number;
      }[]
    ).map((r) => ({ id: r.id, name: r.name, timeZone: r.time_zone, createdMs: r.created_ms }));
  }

  /** A hall's opening hours, or null when none are set (the hall then counts as always open). */
  openingHours(id: string): OpeningHours | null {
    const row = this.db.prepare("SELECT opening_hours_json FROM halls WHERE id = ?").get(id) as
      | { opening_hours_json: string | null }
      | undefined;
    if (!row?.opening_hours_json) return null;
    return openingHoursSchema.parse(JSON.parse(row.opening_hours_json));
  }

  setOpeningHours(id: string, hours: OpeningHours | null): boolean {
    return (
      this.db
        .prepare("UPDATE halls SET opening_hours_json = ? WHERE id = ?")
        .run(hours === null ? null : JSON.stringify(hours), id).changes > 0
    );
  }
}
