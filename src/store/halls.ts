import { type OpeningHours, openingHoursSchema } from "../core/calendar/opening-hours.js";
import type { Db } from "./database.js";

export interface Hall {
  id: string;
  name: string;
  timeZone: string;
  /** The district or region the hall belongs to (e.g. 西城区), for grouped notices; null when not set. */
  region: string | null;
  createdMs: number;
}

interface HallRow {
  id: string;
  name: string;
  time_zone: string;
  region: string | null;
  created_ms: number;
}

const toHall = (r: HallRow): Hall => ({
  id: r.id,
  name: r.name,
  timeZone: r.time_zone,
  region: r.region ?? null,
  createdMs: r.created_ms,
});

export class HallStore {
  constructor(private readonly db: Db) {}

  /** `region` omitted keeps the stored one; null clears it. */
  upsert(
    hall: { id: string; name: string; timeZone?: string; region?: string | null | undefined },
    nowMs = Date.now(),
  ): void {
    this.db
      .prepare(
        `INSERT INTO halls (id, name, time_zone, region, created_ms) VALUES (@id, @name, @timeZone, @region, @nowMs)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone,
           region = CASE WHEN @keepRegion = 1 THEN halls.region ELSE excluded.region END`,
      )
      .run({
        id: hall.id,
        name: hall.name,
        timeZone: hall.timeZone ?? "Asia/Shanghai",
        region: hall.region ?? null,
        keepRegion: hall.region === undefined ? 1 : 0,
        nowMs,
      });
  }

  get(id: string): Hall | null {
    const row = this.db
      .prepare("SELECT id, name, time_zone, region, created_ms FROM halls WHERE id = ?")
      .get(id) as HallRow | undefined;
    return row ? toHall(row) : null;
  }

  list(): Hall[] {
    return (
      this.db
        .prepare("SELECT id, name, time_zone, region, created_ms FROM halls ORDER BY id")
        .all() as HallRow[]
    ).map(toHall);
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
