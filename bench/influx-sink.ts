// The InfluxDB sink's throughput beside a plain batched influx.writePoints of the same points, in the same run
// against the same influxd (Debian's, started here on a loopback port). Prints figures; never passes or fails.
// npm run bench -- influx-sink [--points 200000] [--devices 500] [--quick]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../src/config/config.js";
import type { HistoryPoint } from "../src/influx/history-point.js";
import { InfluxHistory } from "../src/influx/influx-history.js";
import { createInfluxClient, toInfluxPoint } from "../src/influx/influx-target.js";
import { MEASUREMENT, RETENTION, TAG } from "../src/influx/schema.js";
import { setUpSchema } from "../src/influx/schema-setup.js";
import { silentLogger } from "../src/logging.js";
import { startInfluxd } from "../test/helpers/influxd.js";

/** Kiosk-like telemetry: `devices` devices in 10 halls, one point per device per second, going back from now. */
function makePoints(count: number, devices: number): HistoryPoint[] {
  const startMs = Date.now() - Math.ceil(count / devices) * 1000 - 60_000;
  return Array.from({ length: count }, (_, i) => {
    const d = i % devices;
    return {
      rp: RETENTION.raw,
      measurement: MEASUREMENT.telemetry,
      tags: { [TAG.hall]: `hall-${d % 10}`, [TAG.kind]: "kiosk", [TAG.device]: `kiosk-${d}` },
      fields: {
        appOk: true,
        printerState: "ok",
        paperPct: 80 - (i % 50),
        cpuPct: (i * 7) % 100,
        memPct: 40 + (i % 20),
        diskPct: 55,
      },
      timeMs: startMs + Math.floor(i / devices) * 1000,
    };
  });
}

async function countIn(client: ReturnType<typeof createInfluxClient>, database: string): Promise<number> {
  const rows = await client.query<{ n: number }>(
    `SELECT count("cpuPct") AS n FROM "${database}"."${RETENTION.raw}"."${MEASUREMENT.telemetry}"`,
  );
  return rows[0]?.n ?? 0;
}

export async function benchInfluxSink(o: {
  points: number;
  devices: number;
}): Promise<Record<string, number | string>> {
  const influxd = await startInfluxd();
  const dataDir = mkdtempSync(join(tmpdir(), "hallwatch-bench-influx-"));
  const settings = { ...parseConfig({ influx: { url: influxd.url, database: "bench_sink" } }).influx };
  const { batchPoints, maxBatchesInFlight } = settings;
  const direct = createInfluxClient({
    url: influxd.url,
    database: "bench_direct",
    username: null,
    password: null,
  });
  const logger = silentLogger();
  try {
    const points = makePoints(o.points, o.devices);
    await setUpSchema(direct, { ...settings, database: "bench_direct" }, logger);

    // Direct: the same batch size and the same number of writes in flight as the sink, no buffer, no retries.
    const influxPoints = points.map(toInfluxPoint);
    const t0 = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < influxPoints.length) {
        const batch = influxPoints.slice(next, next + batchPoints);
        next += batchPoints;
        await direct.writePoints(batch, { precision: "ms", retentionPolicy: RETENTION.raw });
      }
    };
    await Promise.all(Array.from({ length: maxBatchesInFlight }, worker));
    const directSec = (performance.now() - t0) / 1000;

    // The sink, fed as the aggregator feeds it: synchronous add()s, a turn of the event loop between chunks.
    const sink = new InfluxHistory({ influx: { ...settings, url: influxd.url }, dataDir, logger });
    sink.start();
    await sink.ready();
    const t1 = performance.now();
    for (let i = 0; i < points.length; i++) {
      sink.add(points[i]!);
      if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
    }
    await sink.drained();
    const sinkSec = (performance.now() - t1) / 1000;
    const stats = sink.stats();
    await sink.stop();

    const directPerSec = o.points / directSec;
    const sinkPerSec = o.points / sinkSec;
    return {
      points: o.points,
      devices: o.devices,
      batchPoints,
      maxBatchesInFlight,
      directPointsPerSec: Math.round(directPerSec),
      sinkPointsPerSec: Math.round(sinkPerSec),
      "sink / direct": Number((sinkPerSec / directPerSec).toFixed(2)),
      sinkPointsThroughDiskBuffer: stats.pointsSpilled,
      storedDirect: await countIn(direct, "bench_direct"),
      storedSink: await countIn(direct, "bench_sink"),
    };
  } finally {
    await influxd.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
