// 30-day uptime for many devices: the same path as GET /api/uptime (SQLite history per device + availability),
// beside the pure computation alone.  npm run bench -- uptime [--devices 10000] [--days 30]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DateTime } from "luxon";
import { openIntervals, openingHoursSchema } from "../src/core/calendar/opening-hours.js";
import { availability, type StateSpan, sumAvailability } from "../src/core/uptime/availability.js";
import { openDatabase } from "../src/store/database.js";
import { PresenceStore } from "../src/store/presence-store.js";
import { SqliteEngine } from "../src/store/sql/sqlite-engine.js";

export async function benchUptime(o: {
  devices: number;
  days: number;
}): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), "hallwatch-uptime-"));
  const db = openDatabase(join(dir, "hallwatch.db"));
  const zone = "Asia/Shanghai";
  const toMs = DateTime.fromISO("2026-11-23T00:00", { zone }).toMillis();
  const fromMs = toMs - o.days * 86_400_000;
  const nine = [{ open: "09:00", close: "18:00" }];
  const hours = openingHoursSchema.parse({
    timeZone: zone,
    weekly: { mon: nine, tue: nine, wed: nine, thu: nine, fri: nine, sat: nine, sun: nine },
  });
  // Two outages a day per device, at pseudo-random times.
  const insert = db.prepare(
    "INSERT INTO device_connectivity_history (hall_id, device_id, connectivity, reason, start_ms, end_ms) VALUES (?, ?, ?, ?, ?, ?)",
  );
  let seed = 7;
  const rnd = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const t0 = performance.now();
  const histories = new Map<string, StateSpan[]>();
  db.transaction(() => {
    for (let d = 0; d < o.devices; d++) {
      const hall = `hall-${Math.floor(d / 50)}`;
      const id = `dev-${d}`;
      const spans: StateSpan[] = [];
      let t = fromMs;
      for (let day = 0; day < o.days; day++) {
        for (let k = 0; k < 2; k++) {
          const outageStart = fromMs + day * 86_400_000 + Math.floor((k * 0.5 + rnd() * 0.5) * 86_400_000);
          const outageEnd = outageStart + Math.floor(rnd() * 3_600_000);
          if (outageStart <= t) continue;
          spans.push(
            { connectivity: "online", startMs: t, endMs: outageStart },
            { connectivity: "offline", startMs: outageStart, endMs: outageEnd },
          );
          t = outageEnd;
        }
      }
      spans.push({ connectivity: "online", startMs: t, endMs: null });
      for (const s of spans) insert.run(hall, id, s.connectivity, null, s.startMs, s.endMs);
      histories.set(`${hall}/${id}`, spans);
    }
  })();
  const loadSec = (performance.now() - t0) / 1000;
  const rows = (db.prepare("SELECT COUNT(*) AS n FROM device_connectivity_history").get() as { n: number }).n;
  const store = new PresenceStore(new SqliteEngine(db));
  const expected = openIntervals(hours, fromMs, toMs);

  const t1 = performance.now();
  const viaSqlite = [];
  for (const key of histories.keys()) {
    const [hall, id] = key.split("/") as [string, string];
    viaSqlite.push(
      availability(await store.connectivityHistory(hall, id, fromMs, toMs), expected, [], fromMs, toMs, toMs),
    );
  }
  const sqliteMs = performance.now() - t1;
  const t2 = performance.now();
  const pure = [...histories.values()].map((h) => availability(h, expected, [], fromMs, toMs, toMs));
  const pureMs = performance.now() - t2;
  const total = sumAvailability(viaSqlite);
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    devices: o.devices,
    days: o.days,
    "history rows": rows,
    "load s": Number(loadSec.toFixed(1)),
    "uptime via SQLite ms": Math.round(sqliteMs),
    "uptime pure ms": Math.round(pureMs),
    "fleet availability": `${((total.ratio ?? 0) * 100).toFixed(2)} %`,
    "same result": String(JSON.stringify(sumAvailability(pure)) === JSON.stringify(total)),
  };
}
