// The InfluxDB sink's throughput beside a plain batched influx.writePoints of the same points, in the same run
// against the same influxd (Debian's, started here on a loopback port). Prints figures; never passes or fails.
// npm run bench -- influx-sink [--points 200000] [--devices 500] [--quick]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../src/config/config.js";
import type { HistoryPoint } from "../src/influx/history-point.js";
import { InfluxHistory, type InfluxSettings } from "../src/influx/influx-history.js";
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

/** Direct: the same batch size and number of writes in flight as the sink; no buffer, no retries. */
async function runDirect(
  client: ReturnType<typeof createInfluxClient>,
  database: string,
  points: readonly HistoryPoint[],
  batchPoints: number,
  inFlight: number,
): Promise<number> {
  const influxPoints = points.map(toInfluxPoint);
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < influxPoints.length) {
      const batch = influxPoints.slice(next, next + batchPoints);
      next += batchPoints;
      await client.writePoints(batch, { database, precision: "ms", retentionPolicy: RETENTION.raw });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return (performance.now() - t0) / 1000;
}

/** The sink, fed as the aggregator feeds it: synchronous add()s, a turn of the event loop every 1,000. */
async function runSink(
  settings: InfluxSettings,
  points: readonly HistoryPoint[],
): Promise<{ seconds: number; spilled: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), "hallwatch-bench-influx-"));
  const sink = new InfluxHistory({ influx: settings, dataDir, logger: silentLogger() });
  try {
    sink.start();
    await sink.ready();
    const t0 = performance.now();
    for (let i = 0; i < points.length; i++) {
      sink.add(points[i]!);
      if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
    }
    await sink.drained();
    const seconds = (performance.now() - t0) / 1000;
    return { seconds, spilled: sink.stats().pointsSpilled };
  } finally {
    await sink.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchInfluxSink(o: {
  points: number;
  devices: number;
  rounds: number;
}): Promise<Record<string, number | string>> {
  const influxd = await startInfluxd();
  const base = parseConfig({ influx: { url: influxd.url } }).influx;
  const settings: InfluxSettings = { ...base, url: influxd.url };
  const { batchPoints, maxBatchesInFlight } = settings;
  const client = createInfluxClient({ url: influxd.url, database: "warmup", username: null, password: null });
  const logger = silentLogger();
  try {
    const points = makePoints(o.points, o.devices);
    await setUpSchema(client, { ...settings, database: "warmup" }, logger);
    await runDirect(client, "warmup", points.slice(0, 10_000), batchPoints, maxBatchesInFlight);
    const direct: number[] = [];
    const sink: number[] = [];
    let spilled = 0;
    const stored = { direct: 0, sink: 0 };
    // Alternate which goes first, each round into fresh databases, and take the medians.
    for (let round = 0; round < o.rounds; round++) {
      const directDb = `bench_direct_${round}`;
      const sinkDb = `bench_sink_${round}`;
      await setUpSchema(client, { ...settings, database: directDb }, logger);
      const runs = [
        async () =>
          direct.push(
            o.points / (await runDirect(client, directDb, points, batchPoints, maxBatchesInFlight)),
          ),
        async () => {
          const r = await runSink({ ...settings, database: sinkDb }, points);
          sink.push(o.points / r.seconds);
          spilled += r.spilled;
        },
      ];
      if (round % 2 === 1) runs.reverse();
      for (const run of runs) await run();
      stored.direct = await countIn(client, directDb);
      stored.sink = await countIn(client, sinkDb);
    }
    const directPerSec = median(direct);
    const sinkPerSec = median(sink);
    return {
      points: o.points,
      devices: o.devices,
      rounds: o.rounds,
      batchPoints,
      maxBatchesInFlight,
      directPointsPerSec: Math.round(directPerSec),
      sinkPointsPerSec: Math.round(sinkPerSec),
      "sink / direct": Number((sinkPerSec / directPerSec).toFixed(2)),
      "sink points through the disk buffer (all rounds)": spilled,
      "stored, last round: direct": stored.direct,
      "stored, last round: sink": stored.sink,
    };
  } finally {
    await influxd.stop();
  }
}
