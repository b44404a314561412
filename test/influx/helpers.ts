import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InfluxDB } from "influx";
import { parseConfig } from "../../src/config/config.js";
import type { HistoryPoint } from "../../src/influx/history-point.js";
import type { InfluxSettings } from "../../src/influx/influx-history.js";
import { MEASUREMENT, RETENTION, TAG } from "../../src/influx/schema.js";

export const DB = "hallwatch_test";
/** How long tests wait for something to happen (generous: CI runs the whole suite on two cores). */
export const WAIT_MS = 15_000;

/** The influx config section as the server would parse it, pointed at a test server. */
export function influxSettings(url: string, overrides: Record<string, unknown> = {}): InfluxSettings {
  const config = parseConfig({ influx: { url, database: DB, ...overrides } });
  return { ...config.influx, url };
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), "hallwatch-influx-"));
}

/** Telemetry point number i: 50 kiosks, one point per kiosk per second from `baseMs`, each unique. */
export function telemetryPoint(i: number, baseMs: number): HistoryPoint {
  return {
    rp: RETENTION.raw,
    measurement: MEASUREMENT.telemetry,
    tags: { [TAG.hall]: "h1", [TAG.kind]: "kiosk", [TAG.device]: `k${i % 50}` },
    fields: { cpuPct: i % 100, seq: i, appOk: true, printerState: "ok" },
    timeMs: baseMs + Math.floor(i / 50) * 1000,
  };
}

export async function countTelemetry(client: InfluxDB): Promise<number> {
  const rows = await client.query<{ count: number }>(
    `SELECT count("seq") AS "count" FROM "${DB}"."${RETENTION.raw}"."${MEASUREMENT.telemetry}"`,
  );
  return rows[0]?.count ?? 0;
}

/** Every `seq` field stored, sorted. */
export async function storedSeqs(client: InfluxDB): Promise<number[]> {
  const rows = await client.query<{ seq: number }>(
    `SELECT "seq" FROM "${DB}"."${RETENTION.raw}"."${MEASUREMENT.telemetry}"`,
  );
  return rows.map((r) => r.seq).sort((a, b) => a - b);
}
