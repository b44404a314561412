import { rmSync } from "node:fs";
import type { InfluxDB } from "influx";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { InfluxHistory } from "../../src/influx/influx-history.js";
import { createInfluxClient } from "../../src/influx/influx-target.js";
import { CONTINUOUS_QUERY, MEASUREMENT, RETENTION } from "../../src/influx/schema.js";
import { setUpSchema } from "../../src/influx/schema-setup.js";
import { silentLogger } from "../../src/logging.js";
import { requireInCi } from "../helpers/external-servers.js";
import { INFLUXD, type Influxd, startInfluxd } from "../helpers/influxd.js";
import { waitFor } from "../helpers/wait.js";
import { countTelemetry, DB, influxSettings, telemetryPoint, tempDataDir, WAIT_MS } from "./helpers.js";

describe.runIf(requireInCi(INFLUXD, "influxd"))("InfluxDB schema set-up", () => {
  let influxd: Influxd;
  let client: InfluxDB;
  let history: InfluxHistory | null = null;
  const dirs: string[] = [];

  beforeAll(async () => {
    influxd = await startInfluxd();
    client = createInfluxClient({ url: influxd.url, database: DB, username: null, password: null });
  });
  afterAll(async () => {
    await influxd?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  afterEach(async () => {
    await history?.stop();
    history = null;
    await client.dropDatabase(DB);
  });

  const policies = async () =>
    Object.fromEntries((await client.showRetentionPolicies(DB)).map((p) => [p.name, p]));

  it("creates the database, raw as the default policy, long, and the 5-minute continuous query; again is a no-op", async () => {
    const settings = { database: DB, rawRetention: "30d", longRetention: "400d" };
    await setUpSchema(client, settings, silentLogger());
    let rps = await policies();
    expect(rps[RETENTION.raw]).toMatchObject({ duration: "720h0m0s", default: true });
    expect(rps[RETENTION.long]).toMatchObject({ duration: "9600h0m0s", default: false });
    const cqs = await client.showContinousQueries(DB);
    expect(cqs.map((c) => c.name)).toEqual([CONTINUOUS_QUERY.telemetry5m]);
    const query = cqs[0]!.query.replace(/"/g, "");
    expect(query).toContain("RESAMPLE EVERY 5m FOR 1h");
    expect(query).toContain(`SELECT mean(*) INTO ${DB}.${RETENTION.long}.${MEASUREMENT.telemetry5m}`);
    expect(query).toContain(`FROM ${DB}.${RETENTION.raw}.${MEASUREMENT.telemetry}`);
    expect(query).toContain("GROUP BY time(5m), *");

    await setUpSchema(client, settings, silentLogger());
    expect((await client.showContinousQueries(DB)).map((c) => c.name)).toEqual([
      CONTINUOUS_QUERY.telemetry5m,
    ]);

    await setUpSchema(client, { ...settings, rawRetention: "7d", longRetention: "INF" }, silentLogger());
    rps = await policies();
    expect(rps[RETENTION.raw]).toMatchObject({ duration: "168h0m0s", default: true });
    expect(rps[RETENTION.long]).toMatchObject({ duration: "0s", default: false });
  });

  it("averages late telemetry into long.telemetry_5m per device, numeric fields only", async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    history = new InfluxHistory({
      influx: influxSettings(influxd.url, { flushIntervalMs: 50 }),
      dataDir,
      logger: silentLogger(),
    });
    history.start();
    await history.ready();
    // Three hours ago, on a 5-minute boundary: too late for the continuous query's one-hour window.
    const base = Math.floor((Date.now() - 3 * 3_600_000) / 300_000) * 300_000;
    for (let i = 0; i < 500; i++) history.add(telemetryPoint(i, base)); // 10 points per kiosk, 1 s apart
    await history.drained();
    expect(await countTelemetry(history.client)).toBe(500);
    await history.downsampleLate();
    const rows = await history.client.query<{ device: string; mean_cpuPct: number; mean_seq: number }>(
      `SELECT * FROM "${DB}"."${RETENTION.long}"."${MEASUREMENT.telemetry5m}" WHERE "device" = 'k7'`,
    );
    expect(rows).toHaveLength(1);
    const seqs = Array.from({ length: 10 }, (_, j) => 7 + 50 * j);
    expect(rows[0]!.mean_seq).toBeCloseTo(seqs.reduce((s, x) => s + x, 0) / 10, 9);
    expect(rows[0]!.mean_cpuPct).toBeCloseTo(seqs.reduce((s, x) => s + (x % 100), 0) / 10, 9);
    expect(Object.keys(rows[0]!)).not.toContain("mean_printerState");
  });

  it("with manageSchema false creates nothing and holds points on disk until the database exists", async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    history = new InfluxHistory({
      influx: influxSettings(influxd.url, { manageSchema: false, flushIntervalMs: 50 }),
      dataDir,
      logger: silentLogger(),
      retry: { initialDelayMs: 50, maxDelayMs: 200 },
    });
    history.start();
    for (let i = 0; i < 100; i++) history.add(telemetryPoint(i, Date.now() - 60_000));
    const sink = history;
    await waitFor(
      () => sink.stats().pointsBuffered === 100,
      "points buffered while the database is missing",
      WAIT_MS,
    );
    expect((await client.getDatabaseNames()).includes(DB)).toBe(false);
    expect(sink.stats().lastError?.message).toMatch(/database not found/);
    await client.createDatabase(DB);
    await client.createRetentionPolicy(RETENTION.raw, { database: DB, duration: "1d", replication: 1 });
    await sink.drained();
    const rows = await client.query<{ count: number }>(
      `SELECT count("seq") AS "count" FROM "${DB}"."${RETENTION.raw}"."${MEASUREMENT.telemetry}"`,
    );
    expect(rows[0]?.count).toBe(100);
  });
});
