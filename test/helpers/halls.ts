import type { Db } from "../../src/store/database.js";
import type { Halls } from "../../src/store/hall-directory.js";
import type { Hall } from "../../src/store/halls.js";

/**
 * Writes halls straight into a SQLite file and returns the synchronous view the services read, for stacks built
 * synchronously in tests (the server itself uses HallDirectory).
 */
export function seedHalls(
  db: Db,
  halls: { id: string; name: string; timeZone?: string; region?: string | null }[],
): Halls {
  const insert = db.prepare(
    `INSERT INTO halls (id, name, time_zone, region, created_ms) VALUES (?, ?, ?, ?, 0)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone, region = excluded.region`,
  );
  const byId = new Map<string, Hall>();
  for (const h of halls) {
    const hall = {
      id: h.id,
      name: h.name,
      timeZone: h.timeZone ?? "Asia/Shanghai",
      region: h.region ?? null,
      createdMs: 0,
    };
    insert.run(hall.id, hall.name, hall.timeZone, hall.region);
    byId.set(hall.id, hall);
  }
  return {
    get: (id) => byId.get(id) ?? null,
    list: () => [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1)),
    openingHours: () => null,
  };
}
