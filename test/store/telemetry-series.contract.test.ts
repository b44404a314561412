import { expect, it } from "vitest";
import { SERIES_FIELDS } from "../../src/contract/index.js";
import { migrate } from "../../src/store/database.js";
import type { SqlEngine } from "../../src/store/sql/engine.js";
import type { PostgresEngine } from "../../src/store/sql/postgres-engine.js";
import { migratePostgres } from "../../src/store/sql/postgres-migrations.js";
import type { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";
import { TelemetrySeries } from "../../src/store/telemetry-series.js";
import { describeEachEngine } from "../helpers/engines.js";
import { fillable } from "../helpers/failing-engine.js";

const MIN_MS = 60_000;
const DAY_MS = 86_400_000;
const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);

const charger = { hallId: "h1", deviceId: "charger-1", kind: "charger" } as const;
const ext = { hallId: "h1", deviceId: "ext-1", kind: "extinguisher" } as const;
const queue = { hallId: "h1", deviceId: "q-1", kind: "queue" } as const;

/** Rows written: one per device and minute, however many numeric fields it had. */
const countSamples = async (sql: SqlEngine) =>
  (await sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM telemetry_minutes"))?.n;

describeEachEngine("telemetry series (bounded, pruned by an injected clock)", (fresh, engine) => {
  it("keeps at most one point per device, field and minute, numeric fields only, written in one batch", async () => {
    let nowMs = T0;
    const series = new TelemetrySeries(await fresh(), { retentionMs: 7 * DAY_MS, now: () => nowMs });
    series.record(charger, T0 + 1_000, {
      enclosureTempC: 40,
      totalPowerW: 300,
      ports: [],
    });
    series.record(charger, T0 + 30_000, {
      enclosureTempC: 41,
      totalPowerW: 310,
      ports: [],
    });
    series.record(charger, T0 + MIN_MS + 5, {
      enclosureTempC: 55,
      totalPowerW: 320,
      ports: [],
    });
    series.record(ext, T0 + 2_000, {
      pressureMpa: 1.05,
      present: true,
      batteryPct: 90,
    });
    expect(await series.range("h1", "charger-1", "enclosureTempC", 0, T0 + DAY_MS)).toEqual([]); // not flushed yet
    await series.flush();
    expect(await series.range("h1", "charger-1", "enclosureTempC", 0, T0 + DAY_MS)).toEqual([
      [T0 + 1_000, 40],
      [T0 + MIN_MS + 5, 55],
    ]);
    expect(await series.range("h1", "charger-1", "totalPowerW", T0 + MIN_MS, T0 + DAY_MS)).toEqual([
      [T0 + MIN_MS + 5, 320],
    ]);
    expect(await series.range("h1", "ext-1", "pressureMpa", 0, T0 + DAY_MS)).toEqual([[T0 + 2_000, 1.05]]);
    expect(await series.range("h1", "ext-1", "present", 0, T0 + DAY_MS)).toEqual([]);
    nowMs += 1;
  });

  it("prunes points older than the retention period as the clock moves, and refuses points already too old", async () => {
    let nowMs = T0;
    const sql = await fresh();
    const series = new TelemetrySeries(sql, { retentionMs: 2 * DAY_MS, now: () => nowMs });
    series.record(queue, T0, { waitingTotal: 3, longestWaitSec: 60 });
    series.record(queue, T0 - 3 * DAY_MS, { waitingTotal: 9, longestWaitSec: 900 }); // a spool replay
    await series.flush();
    expect(await series.range("h1", "q-1", "waitingTotal", 0, T0 + 10 * DAY_MS)).toEqual([[T0, 3]]);
    nowMs = T0 + DAY_MS;
    series.record(queue, nowMs, { waitingTotal: 4, longestWaitSec: 30 });
    await series.flush();
    expect(await series.range("h1", "q-1", "waitingTotal", 0, T0 + 10 * DAY_MS)).toEqual([
      [T0, 3],
      [T0 + DAY_MS, 4],
    ]);
    nowMs = T0 + 2 * DAY_MS + MIN_MS + 1; // the first point is now past 2 days
    await series.flush();
    expect(await series.range("h1", "q-1", "waitingTotal", 0, T0 + 10 * DAY_MS)).toEqual([[T0 + DAY_MS, 4]]);
    expect(await countSamples(sql)).toBe(1);
  });

  it("records synchronously in memory; a flush writes what was recorded before it was called", async () => {
    const series = new TelemetrySeries(await fresh(), { now: () => T0 + DAY_MS });
    expect(series.record(queue, T0, { waitingTotal: 1, longestWaitSec: 10 })).toBeUndefined();
    const flushing = series.flush();
    series.record(queue, T0 + MIN_MS, { waitingTotal: 2, longestWaitSec: 20 }); // while the flush is written
    await flushing;
    expect(await series.range("h1", "q-1", "waitingTotal", 0, T0 + DAY_MS)).toEqual([[T0, 1]]);
    await series.flush();
    expect(await series.range("h1", "q-1", "waitingTotal", 0, T0 + DAY_MS)).toEqual([
      [T0, 1],
      [T0 + MIN_MS, 2],
    ]);
  });

  it("keeps the points of a failed flush for the next one", async () => {
    const sql = fillable(await fresh());
    const series = new TelemetrySeries(sql, { now: () => T0 + DAY_MS });
    series.record(queue, T0, { waitingTotal: 1, longestWaitSec: 10 });
    sql.full = true;
    await expect(series.flush()).rejects.toThrow(/full/);
    series.record(queue, T0 + MIN_MS, { waitingTotal: 2, longestWaitSec: 20 });
    sql.full = false;
    await series.flush();
    expect(await series.range("h1", "q-1", "waitingTotal", 0, T0 + DAY_MS)).toEqual([
      [T0, 1],
      [T0 + MIN_MS, 2],
    ]);
    expect(await series.range("h1", "q-1", "longestWaitSec", 0, T0 + DAY_MS)).toEqual([
      [T0, 10],
      [T0 + MIN_MS, 20],
    ]);
  });

  it("writes many devices' points in one flush and keeps the first of a minute written twice", async () => {
    const sql = await fresh();
    const series = new TelemetrySeries(sql, { now: () => T0 + DAY_MS });
    for (let i = 0; i < 700; i++)
      series.record({ hallId: "h1", deviceId: `q-${i}`, kind: "queue" }, T0 + i, {
        waitingTotal: i,
        longestWaitSec: i * 2,
      });
    // Another object for q-0 (the tracker made a new one) in the same minute: the first point stays.
    series.record({ hallId: "h1", deviceId: "q-0", kind: "queue" }, T0 + 999, {
      waitingTotal: 99,
      longestWaitSec: 99,
    });
    await series.flush();
    expect(await countSamples(sql)).toBe(700);
    expect(await series.range("h1", "q-0", "waitingTotal", 0, T0 + DAY_MS)).toEqual([[T0, 0]]);
    expect(await series.range("h1", "q-699", "longestWaitSec", 0, T0 + DAY_MS)).toEqual([[T0 + 699, 1_398]]);
  });

  it("migration 23 turns the points of a store written before it (a row per field) into one row per minute", async () => {
    const sql = await fresh();
    await sql.run("DROP TABLE telemetry_minutes");
    await sql.run(`CREATE TABLE telemetry_points (hall_id TEXT NOT NULL, device_id TEXT NOT NULL, field TEXT NOT NULL,
      minute BIGINT NOT NULL, ts_ms BIGINT NOT NULL, value DOUBLE PRECISION NOT NULL,
      PRIMARY KEY (hall_id, device_id, field, minute))`);
    const minute = Math.floor(T0 / MIN_MS);
    for (const [field, value, at] of [
      ["enclosureTempC", 40.5, 0],
      ["totalPowerW", 300, 0],
      ["enclosureTempC", 41, 1],
    ] as const)
      await sql.run(
        "INSERT INTO telemetry_points (hall_id, device_id, field, minute, ts_ms, value) VALUES (?, ?, ?, ?, ?, ?)",
        ["h1", "charger-1", field, minute + at, T0 + at * MIN_MS + 7, value],
      );
    await sql.run("DELETE FROM schema_migrations WHERE version = 23");
    if (engine === "sqlite") migrate((sql as SqliteEngine).db);
    else await migratePostgres(sql as PostgresEngine);
    const series = new TelemetrySeries(sql, { now: () => T0 + DAY_MS });
    expect(await series.range("h1", "charger-1", "enclosureTempC", 0, T0 + DAY_MS)).toEqual([
      [T0 + 7, 40.5],
      [T0 + MIN_MS + 7, 41],
    ]);
    expect(await series.range("h1", "charger-1", "totalPowerW", 0, T0 + DAY_MS)).toEqual([[T0 + 7, 300]]);
    expect(await countSamples(sql)).toBe(2);
    await expect(sql.get("SELECT COUNT(*) AS n FROM telemetry_points")).rejects.toThrow();
  });

  it("names each kind's numeric fields with their units", () => {
    expect(SERIES_FIELDS.charger).toEqual({ enclosureTempC: "°C", totalPowerW: "W" });
    expect(SERIES_FIELDS.extinguisher).toMatchObject({ pressureMpa: "MPa", batteryPct: "%" });
    expect(SERIES_FIELDS.queue).toMatchObject({ waitingTotal: null, longestWaitSec: "s" });
    expect(SERIES_FIELDS.kiosk).toMatchObject({ paperPct: "%", cpuPct: "%" });
  });
});
