import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SERIES_FIELDS } from "../../src/contract/index.js";
import { type Db, openDatabase } from "../../src/store/database.js";
import { TelemetrySeries } from "../../src/store/telemetry-series.js";

const MIN_MS = 60_000;
const DAY_MS = 86_400_000;
const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);

const charger = { hallId: "h1", deviceId: "charger-1", kind: "charger" } as const;
const ext = { hallId: "h1", deviceId: "ext-1", kind: "extinguisher" } as const;
const queue = { hallId: "h1", deviceId: "q-1", kind: "queue" } as const;

describe("telemetry series (SQLite, bounded, pruned by an injected clock)", () => {
  let db: Db;
  let nowMs = T0;
  beforeEach(() => {
    db = openDatabase(":memory:");
    nowMs = T0;
  });
  afterEach(() => db.close());

  it("keeps at most one point per device, field and minute, numeric fields only, written in one batch", () => {
    const series = new TelemetrySeries(db, { retentionMs: 7 * DAY_MS, now: () => nowMs });
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
    expect(series.range("h1", "charger-1", "enclosureTempC", 0, T0 + DAY_MS)).toEqual([]); // not flushed yet
    series.flush();
    expect(series.range("h1", "charger-1", "enclosureTempC", 0, T0 + DAY_MS)).toEqual([
      [T0 + 1_000, 40],
      [T0 + MIN_MS + 5, 55],
    ]);
    expect(series.range("h1", "charger-1", "totalPowerW", T0 + MIN_MS, T0 + DAY_MS)).toEqual([
      [T0 + MIN_MS + 5, 320],
    ]);
    expect(series.range("h1", "ext-1", "pressureMpa", 0, T0 + DAY_MS)).toEqual([[T0 + 2_000, 1.05]]);
    expect(series.range("h1", "ext-1", "present", 0, T0 + DAY_MS)).toEqual([]);
  });

  it("prunes points older than the retention period as the clock moves, and refuses points already too old", () => {
    const series = new TelemetrySeries(db, { retentionMs: 2 * DAY_MS, now: () => nowMs });
    series.record(queue, T0, { waitingTotal: 3, longestWaitSec: 60 });
    series.record(queue, T0 - 3 * DAY_MS, { waitingTotal: 9, longestWaitSec: 900 }); // a spool replay
    series.flush();
    expect(series.range("h1", "q-1", "waitingTotal", 0, T0 + 10 * DAY_MS)).toEqual([[T0, 3]]);
    nowMs = T0 + DAY_MS;
    series.record(queue, nowMs, { waitingTotal: 4, longestWaitSec: 30 });
    series.flush();
    expect(series.range("h1", "q-1", "waitingTotal", 0, T0 + 10 * DAY_MS)).toEqual([
      [T0, 3],
      [T0 + DAY_MS, 4],
    ]);
    nowMs = T0 + 2 * DAY_MS + MIN_MS + 1; // the first point is now past 2 days
    series.flush();
    expect(series.range("h1", "q-1", "waitingTotal", 0, T0 + 10 * DAY_MS)).toEqual([[T0 + DAY_MS, 4]]);
    expect(db.prepare("SELECT count(*) AS n FROM telemetry_points").get()).toEqual({ n: 2 });
  });

  it("names each kind's numeric fields with their units", () => {
    expect(SERIES_FIELDS.charger).toEqual({ enclosureTempC: "°C", totalPowerW: "W" });
    expect(SERIES_FIELDS.extinguisher).toMatchObject({ pressureMpa: "MPa", batteryPct: "%" });
    expect(SERIES_FIELDS.queue).toMatchObject({ waitingTotal: null, longestWaitSec: "s" });
    expect(SERIES_FIELDS.kiosk).toMatchObject({ paperPct: "%", cpuPct: "%" });
  });
});
