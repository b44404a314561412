import { rmSync } from "node:fs";
import { Registry } from "prom-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { HistoryPoint } from "../../src/influx/history-point.js";
import { InfluxHistory } from "../../src/influx/influx-history.js";
import { createInfluxClient, influxTarget, type PointTarget } from "../../src/influx/influx-target.js";
import { registerInfluxMetrics } from "../../src/influx/metrics.js";
import { silentLogger } from "../../src/logging.js";
import { requireInCi } from "../helpers/external-servers.js";
import { INFLUXD, type Influxd, startInfluxd } from "../helpers/influxd.js";
import { waitFor } from "../helpers/wait.js";
import {
  countTelemetry,
  DB,
  influxSettings,
  storedSeqs,
  telemetryPoint,
  tempDataDir,
  WAIT_MS,
} from "./helpers.js";

/** The real InfluxDB target, recording each batch's size (each attempt) and how many writes were under way at once. */
function recordingTarget(url: string) {
  const real = influxTarget(createInfluxClient({ url, database: DB, username: null, password: null }));
  const record = { batches: [] as number[], inFlight: 0, maxInFlight: 0 };
  const target: PointTarget = {
    async write(rp, points) {
      record.inFlight += 1;
      record.maxInFlight = Math.max(record.maxInFlight, record.inFlight);
      // Recorded before the answer: a query may see the points before this write's response is read.
      record.batches.push(points.length);
      try {
        await real.write(rp, points);
      } finally {
        record.inFlight -= 1;
      }
    },
  };
  return { target, record };
}

describe.runIf(requireInCi(INFLUXD, "influxd"))("InfluxDB sink against a real influxd", () => {
  let influxd: Influxd;
  let history: InfluxHistory | null = null;
  const dirs: string[] = [];

  beforeAll(async () => {
    influxd = await startInfluxd();
  });
  afterAll(async () => {
    await influxd?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  afterEach(async () => {
    await history?.stop();
    history = null;
    await createInfluxClient({ url: influxd.url, database: DB, username: null, password: null }).dropDatabase(
      DB,
    );
  });

  function open(overrides: Record<string, unknown>, target?: PointTarget, dataDir = tempDataDir()) {
    dirs.push(dataDir);
    history = new InfluxHistory({
      influx: influxSettings(influxd.url, overrides),
      dataDir,
      logger: silentLogger(),
      ...(target ? { target } : {}),
      retry: { initialDelayMs: 50, maxDelayMs: 500 },
    });
    history.start();
    return history;
  }

  it("writes a batch as soon as it holds batchPoints points, and keeps the rest until it is full or flushed", async () => {
    const { target, record } = recordingTarget(influxd.url);
    const sink = open({ batchPoints: 1000, flushIntervalMs: 60_000 }, target);
    await sink.ready();
    const base = Date.now() - 3_600_000;
    for (let i = 0; i < 2500; i++) sink.add(telemetryPoint(i, base));
    await waitFor(
      async () => (await countTelemetry(sink.client)) === 2000,
      "two full batches in InfluxDB",
      WAIT_MS,
    );
    expect(record.batches).toEqual([1000, 1000]);
    expect(sink.stats().pointsPending).toBe(500);
    await sink.drained();
    expect(record.batches).toEqual([1000, 1000, 500]);
    expect(await countTelemetry(sink.client)).toBe(2500);
    expect(sink.stats().pointsWritten).toBe(2500);
  });

  it("writes a partial batch once flushIntervalMs has passed", async () => {
    const { target, record } = recordingTarget(influxd.url);
    const sink = open({ batchPoints: 5000, flushIntervalMs: 200 }, target);
    await sink.ready();
    const base = Date.now() - 60_000;
    for (let i = 0; i < 10; i++) sink.add(telemetryPoint(i, base));
    expect(record.batches).toEqual([]);
    await waitFor(async () => (await countTelemetry(sink.client)) === 10, "the timed flush", WAIT_MS);
    expect(record.batches).toEqual([10]);
  });

  it("keeps at most maxBatchesInFlight writes under way and loses nothing when more batches come", async () => {
    const { target, record } = recordingTarget(influxd.url);
    const sink = open({ batchPoints: 500, flushIntervalMs: 60_000, maxBatchesInFlight: 2 }, target);
    await sink.ready();
    const base = Date.now() - 3_600_000;
    for (let i = 0; i < 20_000; i++) sink.add(telemetryPoint(i, base));
    await sink.drained();
    expect(record.maxInFlight).toBeLessThanOrEqual(2);
    expect(record.maxInFlight).toBe(2);
    expect(await countTelemetry(sink.client)).toBe(20_000);
    const stats = sink.stats();
    expect(stats.pointsWritten).toBe(20_000);
    expect(stats.pointsDropped).toBe(0);
    expect(stats.pointsBuffered).toBe(0);
  });

  it("loses no point when InfluxDB is killed and restarted in the middle of a stream of 50,000", async () => {
    const sink = open({ batchPoints: 1000, flushIntervalMs: 100 });
    await sink.ready();
    const base = Date.now() - 2 * 3_600_000;
    const total = 50_000;
    let sent = 0;
    const push = async (n: number) => {
      for (const end = Math.min(total, sent + n); sent < end; sent++) sink.add(telemetryPoint(sent, base));
      await new Promise((resolve) => setTimeout(resolve, 5));
    };
    while (sent < 15_000) await push(500);
    await influxd.kill();
    while (sent < 30_000) await push(500);
    await waitFor(
      () => sink.stats().pointsBuffered > 0,
      "points buffered on disk during the outage",
      WAIT_MS,
    );
    expect(sink.stats().influxReachable).toBe(false);
    await influxd.restart();
    while (sent < total) await push(500);
    await sink.drained();
    const stats = sink.stats();
    expect(stats.pointsDropped).toBe(0);
    expect(stats.pointsSpilled).toBeGreaterThan(0);
    expect(stats.influxReachable).toBe(true);
    const seqs = await storedSeqs(sink.client);
    expect(seqs.length).toBe(total);
    expect(seqs.every((seq, i) => seq === i)).toBe(true);
  }, 120_000);

  it("replays the buffer left by a stopped process when the next one starts", async () => {
    const dataDir = tempDataDir();
    const sink = open({ batchPoints: 1000, flushIntervalMs: 100 }, undefined, dataDir);
    await sink.ready();
    await influxd.kill();
    const base = Date.now() - 3_600_000;
    for (let i = 0; i < 3000; i++) sink.add(telemetryPoint(i, base));
    await sink.stop();
    history = null;
    const left = sink.stats();
    expect(left.pointsBuffered).toBe(3000);
    expect(left.pointsWritten).toBe(0);

    await influxd.restart();
    const next = open({ batchPoints: 1000, flushIntervalMs: 100 }, undefined, dataDir);
    expect(next.stats().pointsBuffered).toBe(3000);
    await next.ready();
    await next.drained();
    expect(await countTelemetry(next.client)).toBe(3000);
    expect(next.stats().pointsBuffered).toBe(0);
  }, 60_000);

  it("at the buffer limit drops only the points beyond it, counts them, says so once, and writes the rest later", async () => {
    const sink = open({ batchPoints: 500, flushIntervalMs: 50, bufferMaxBytes: 1_000_000 });
    const full: unknown[] = [];
    const recovered: unknown[] = [];
    sink.bus.on("buffer_full", (e) => full.push(e));
    sink.bus.on("buffer_recovered", (e) => recovered.push(e));
    await sink.ready();
    await influxd.kill();
    const base = Date.now() - 3_600_000;
    const total = 15_000;
    for (let i = 0; i < total; i++) {
      sink.add(telemetryPoint(i, base));
      if (i % 500 === 499) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await waitFor(
      () => sink.stats().pointsPending === 0 && sink.stats().batchesInFlight === 0,
      "all flushed",
      WAIT_MS,
    );
    const atLimit = sink.stats();
    expect(atLimit.bufferedBytes).toBeLessThanOrEqual(1_000_000);
    expect(atLimit.bufferedBytes).toBeGreaterThan(1_000_000 - 200);
    expect(atLimit.pointsDropped).toBeGreaterThan(0);
    expect(atLimit.pointsBuffered + atLimit.pointsDropped).toBe(total);
    expect(full).toHaveLength(1);

    await influxd.restart();
    await sink.drained();
    const seqs = await storedSeqs(sink.client);
    expect(seqs.length).toBe(atLimit.pointsBuffered);
    // What was kept is the oldest points, every one of them; only the newest were dropped.
    expect(seqs.every((seq, i) => seq === i)).toBe(true);
    expect(recovered).toHaveLength(1);
    expect(sink.stats().pointsDropped).toBe(atLimit.pointsDropped);
  }, 60_000);

  it("refuses nothing silently: a point InfluxDB will never take is counted as refused, the others written", async () => {
    const sink = open({ batchPoints: 100, flushIntervalMs: 50 });
    await sink.ready();
    const base = Date.now() - 600_000;
    sink.add(telemetryPoint(0, base));
    await sink.drained();
    // cpuPct was a number: a string now is a field type conflict.
    const bad: HistoryPoint = { ...telemetryPoint(1, base), fields: { cpuPct: "high", seq: 1 } };
    sink.add(bad);
    sink.add(telemetryPoint(2, base));
    await sink.drained();
    const stats = sink.stats();
    expect(stats.pointsRefused).toBe(1);
    expect(stats.lastError?.message).toMatch(/field type conflict/);
    expect(await storedSeqs(sink.client)).toEqual([0, 2]);
    const registry = new Registry();
    registerInfluxMetrics(registry, sink);
    const text = await registry.metrics();
    expect(text).toMatch(/^hallwatch_influx_points_written_total 2$/m);
    expect(text).toMatch(/^hallwatch_influx_points_refused_total 1$/m);
    expect(text).toMatch(/^hallwatch_influx_points_dropped_total 0$/m);
    expect(text).toMatch(/^hallwatch_influx_reachable 1$/m);
  });
});
