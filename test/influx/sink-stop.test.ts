import { rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InfluxHistory } from "../../src/influx/influx-history.js";
import { createInfluxClient } from "../../src/influx/influx-target.js";
import { RETENTION } from "../../src/influx/schema.js";
import { silentLogger } from "../../src/logging.js";
import { requireInCi } from "../helpers/external-servers.js";
import { INFLUXD, type Influxd, startInfluxd } from "../helpers/influxd.js";
import { waitFor } from "../helpers/wait.js";
import { countTelemetry, DB, influxSettings, telemetryPoint, tempDataDir, WAIT_MS } from "./helpers.js";

/** A server that accepts connections and never answers: an InfluxDB that hangs. */
async function startSilentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe.runIf(requireInCi(INFLUXD, "influxd"))("InfluxDB sink stop", () => {
  let influxd: Influxd;
  const dataDir = tempDataDir();

  beforeAll(async () => {
    influxd = await startInfluxd();
    const admin = createInfluxClient({ url: influxd.url, database: DB, username: null, password: null });
    await admin.createDatabase(DB);
    await admin.createRetentionPolicy(RETENTION.raw, { database: DB, duration: "1d", replication: 1 });
  });
  afterAll(async () => {
    await influxd?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("keeps the points of writes still under way when InfluxDB hangs, and the next start writes them", async () => {
    const silent = await startSilentServer();
    const hung = new InfluxHistory({
      influx: influxSettings(silent.url, { manageSchema: false, flushIntervalMs: 50 }),
      dataDir,
      logger: silentLogger(),
      stopTimeoutMs: 300,
    });
    hung.start();
    const base = Date.now() - 600_000;
    for (let i = 0; i < 700; i++) hung.add(telemetryPoint(i, base));
    await waitFor(() => hung.stats().batchesInFlight === 1, "a write under way", WAIT_MS);
    for (let i = 700; i < 1000; i++) hung.add(telemetryPoint(i, base));
    await hung.stop();
    // The write under way (700 points) and the pending 300 are on disk; none of them reached a server.
    expect(hung.stats().pointsBuffered).toBe(1000);
    expect(hung.stats().pointsWritten).toBe(0);
    await silent.close();

    const next = new InfluxHistory({
      influx: influxSettings(influxd.url, { manageSchema: false, flushIntervalMs: 50 }),
      dataDir,
      logger: silentLogger(),
    });
    next.start();
    await next.drained();
    expect(await countTelemetry(next.client)).toBe(1000);
    await next.stop();
  }, 60_000);
});
