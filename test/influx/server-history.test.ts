import { rmSync } from "node:fs";
import { InfluxDB } from "influx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemo } from "../../src/app/demo.js";
import { createEmbeddedBroker } from "../../src/app/embedded-broker.js";
import { HallwatchServer, type RunningAddresses } from "../../src/app/server.js";
import { parseConfig } from "../../src/config/config.js";
import { CHECK_ITEMS } from "../../src/core/inspections/checklist.js";
import { silentLogger } from "../../src/logging.js";
import { bearerToken } from "../helpers/auth.js";
import { requireInCi } from "../helpers/external-servers.js";
import { INFLUXD, type Influxd, startInfluxd } from "../helpers/influxd.js";
import { waitFor } from "../helpers/wait.js";
import { tempDataDir } from "./helpers.js";

const available = requireInCi(INFLUXD, "influxd");
const DB = "hallwatch_server";

describe.skipIf(!available)("npm start with InfluxDB configured", () => {
  const dataDir = tempDataDir();
  let influxd: Influxd;
  let server: HallwatchServer;
  let at: RunningAddresses;
  let client: InfluxDB;

  beforeAll(async () => {
    influxd = await startInfluxd();
    const config = parseConfig({
      dataDir,
      logLevel: "silent",
      http: { port: 0 },
      mqtt: { host: "127.0.0.1", port: 0 },
      demo: { controlPort: 0 },
      auth: { adminPassword: "history-test-admin" },
      influx: { url: influxd.url, database: DB, flushIntervalMs: 100 },
    });
    server = new HallwatchServer(config, silentLogger(), { createBroker: createEmbeddedBroker, createDemo });
    at = await server.start();
    client = new InfluxDB({ host: "127.0.0.1", port: influxd.port, database: DB });
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    await influxd?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const count = async (query: string) => {
    const rows = await client.query<{ n: number }>(query);
    return rows[0]?.n ?? 0;
  };

  it("writes the demo hall's telemetry and device states, an inspection and the hall's compliance figures", async () => {
    await waitFor(
      async () =>
        (await count(
          `SELECT count("batteryPct") AS n FROM "raw"."telemetry" WHERE "kind" = 'extinguisher'`,
        )) >= 8,
      "extinguisher telemetry in InfluxDB",
      20_000,
    );
    await waitFor(
      async () => (await count(`SELECT count("up") AS n FROM "raw"."device_state"`)) >= 26,
      "device states",
      20_000,
    );

    const token = await bearerToken(at.httpUrl, "guard", "demo-guard");
    const response = await fetch(`${at.httpUrl}/api/halls/demo-hall/fire-assets/E-01/inspections`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({
        results: Object.fromEntries(CHECK_ITEMS.map((i) => [i, i === "no_damage" ? "fail" : "pass"])),
      }),
    });
    expect(response.status).toBe(201);
    const { record } = (await response.json()) as { record: { id: string } };
    await waitFor(
      async () =>
        (await client.query(`SELECT * FROM "long"."inspection" WHERE "asset" = 'E-01'`)).length === 1,
      "inspection point",
      10_000,
    );
    const [point] = (await client.query(`SELECT * FROM "long"."inspection" WHERE "asset" = 'E-01'`)) as any[];
    expect(point).toMatchObject({ hall: "demo-hall", record_id: record.id, inspector: "guard", passed: 0 });
    await waitFor(
      async () =>
        (await client.query(`SELECT * FROM "long"."inspection_compliance" WHERE "hall" = 'demo-hall'`))
          .length >= 1,
      "compliance point",
      10_000,
    );
    const compliance = (await client.query(
      `SELECT last("due") AS due, last("done") AS done FROM "long"."inspection_compliance" WHERE "hall" = 'demo-hall'`,
    )) as any[];
    expect(compliance[0]).toMatchObject({ due: 10, done: 1 });
    // The failed item's alert reached the alert_event measurement too.
    await waitFor(
      async () =>
        (await client.query(`SELECT * FROM "long"."alert_event" WHERE "fault" = 'inspection_failed'`))
          .length >= 1,
      "alert event point",
      10_000,
    );
  });

  it("turns a full history buffer into an alert for admins and maintenance, resolved when it drains", async () => {
    // The spill's own events (tested in sink.test.ts) drive the server's alert: emitted here as the spill does.
    const history = (server as unknown as { history: { bus: { emit(e: string, p: unknown): void } } })
      .history;
    const admin = await bearerToken(at.httpUrl, "admin", "history-test-admin");
    const systemAlerts = async () => {
      const response = await fetch(`${at.httpUrl}/api/alerts?limit=500`, {
        headers: { authorization: `Bearer ${admin}` },
      });
      return ((await response.json()) as { items: any[] }).items.filter(
        (a) => a.faultType === "history_buffer_full",
      );
    };
    history.bus.emit("buffer_full", {
      droppedPoints: 12,
      bufferedBytes: 1_000_000,
      maxBytes: 1_000_000,
      atMs: Date.now(),
    });
    const [alert] = await systemAlerts();
    expect(alert).toMatchObject({ status: "open", severity: "major", lastObserved: 12 });
    expect(alert.audience).toEqual(["admin", "maintenance"]);
    history.bus.emit("buffer_recovered", { droppedInEpisode: 40, bufferedBytes: 800_000, atMs: Date.now() });
    expect((await systemAlerts())[0]).toMatchObject({ status: "resolved" });
  });
});
