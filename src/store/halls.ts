import { type OpeningHours, openingHoursSchema } from "../core/calendar/opening-hours.js";
import { bumpConfigVersion, readConfigVersion } from "./config-versions.js";
import type { Db } from "./database.js";
import type { SqlEngine } from "./sql/engine.js";
import { SqliteEngine } from "./sql/sqlite-engine.js";

export interface Hall {
  id: string;
  name: string;
  timeZone: string;
  /** The district or region the hall belongs to (e.g. 西城区), for grouped notices; null when not set. */
  region: string | null;
  createdMs: number;
}

export interface HallWithHours extends Hall {
  /** Null when none are set (the hall then counts as always open); an Error when the stored JSON is invalid. */
  openingHours: OpeningHours | null | Error;
}

export interface HallUpsert {
  id: string;
  name: string;
  timeZone?: string | undefined;
  /** Omitted keeps the stored region; null clears it. */
  region?: string | null | undefined;
}

/** The halls and their opening hours in the system of record (SQLite or PostgreSQL). */
export interface HallRecords {
  upsert(hall: HallUpsert, nowMs?: number): Promise<void>;
  get(id: string): Promise<Hall | null>;
  list(): Promise<Hall[]>;
  openingHours(id: string): Promise<OpeningHours | null>;
  /** False when there is no such hall. */
  setOpeningHours(id: string, hours: OpeningHours | null): Promise<boolean>;
  loadAll(): Promise<HallWithHours[]>;
  /** Grows with every change, from any process: a cached view reloads when it differs. */
  version(): Promise<number>;
}

interface HallRow {
  id: string;
  name: string;
  time_zone: string;
  region: string | null;
  created_ms: number;
  opening_hours_json?: string | null;
}

const COLUMNS = "id, name, time_zone, region, created_ms";
const VERSION_NAME = "halls";

const toHall = (r: HallRow): Hall => ({
  id: r.id,
  name: r.name,
  timeZone: r.time_zone,
  region: r.region ?? null,
  createdMs: r.created_ms,
});

function parseHours(json: string | null | undefined): OpeningHours | null {
  if (!json) return null;
  return openingHoursSchema.parse(JSON.parse(json));
}

/** Byte order, as SQLite sorts text: the same list on every engine and collation. */
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class HallStore implements HallRecords {
  constructor(private readonly sql: SqlEngine) {}

  /** On an open SQLite connection (the CLI and tools that work on the file directly). */
  static onSqlite(db: Db): HallStore {
    return new HallStore(new SqliteEngine(db));
  }

  async upsert(hall: HallUpsert, nowMs = Date.now()): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO halls (id, name, time_zone, region, created_ms) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone,
           region = CASE WHEN ? = 1 THEN halls.region ELSE excluded.region END`,
        [
          hall.id,
          hall.name,
          hall.timeZone ?? "Asia/Shanghai",
          hall.region ?? null,
          nowMs,
          hall.region === undefined ? 1 : 0,
        ],
      );
      await bumpConfigVersion(tx, VERSION_NAME);
    });
  }

  async get(id: string): Promise<Hall | null> {
    const row = await this.sql.get<HallRow>(`SELECT ${COLUMNS} FROM halls WHERE id = ?`, [id]);
    return row ? toHall(row) : null;
  }

  async list(): Promise<Hall[]> {
    return (await this.sql.all<HallRow>(`SELECT ${COLUMNS} FROM halls`)).map(toHall).sort(byId);
  }

  async openingHours(id: string): Promise<OpeningHours | null> {
    const row = await this.sql.get<{ opening_hours_json: string | null }>(
      "SELECT opening_hours_json FROM halls WHERE id = ?",
      [id],
    );
    return parseHours(row?.opening_hours_json);
  }

  async setOpeningHours(id: string, hours: OpeningHours | null): Promise<boolean> {
    return await this.sql.transaction(async (tx) => {
      const { changes } = await tx.run("UPDATE halls SET opening_hours_json = ? WHERE id = ?", [
        hours === null ? null : JSON.stringify(hours),
        id,
      ]);
      if (changes > 0) await bumpConfigVersion(tx, VERSION_NAME);
      return changes > 0;
    });
  }

  async loadAll(): Promise<HallWithHours[]> {
    const rows = await this.sql.all<HallRow>(`SELECT ${COLUMNS}, opening_hours_json FROM halls`);
    // Halls of a chain mostly keep the same hours: each text is parsed once per load (validating a time zone costs
    // about 0.1 ms: at 4,000 halls a load parsing every hall held the event loop for 0.7 s), and halls with the same
    // text share one object, which the open-state cache then finds at once.
    const parsed = new Map<string, OpeningHours | Error>();
    return rows
      .map((r) => {
        const json = r.opening_hours_json;
        let openingHours: OpeningHours | null | Error = null;
        if (json) {
          openingHours = parsed.get(json) ?? null;
          if (openingHours === null) {
            try {
              openingHours = parseHours(json);
            } catch (err) {
              openingHours = err instanceof Error ? err : new Error(String(err));
            }
            if (openingHours !== null) parsed.set(json, openingHours);
          }
        }
        return { ...toHall(r), openingHours };
      })
      .sort(byId);
  }

  async version(): Promise<number> {
    return await readConfigVersion(this.sql, VERSION_NAME);
  }
}
