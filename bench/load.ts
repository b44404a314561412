// The load harness (issue 8): N halls × 26 devices of every kind, played by forked generator processes
// through the product's broker, consumed in turn by
//   - a bare MQTT.js subscriber (the ceiling for one Node process on this broker and stream),
//   - the aggregator as it runs in Hallwatch (validation, presence, SQLite state, fault rules, alerts, SSE),
//   - Node-RED 4 running headless the peer flow (MQTT in → JSON → validate + thresholds → InfluxDB out),
// each in its own process, measured from /proc. Then fault → alert latency on the live stream under a steady
// background load. Repeats for each hall count and reports the figures, their ratios and how they grow.
// With the aggregator: GC pauses per phase, its CPU by stage (a V8 profile of one extra burst), and a steady phase
// at the realistic rate of the size (the province), where fault → alert and keeping up are judged.
//   npm run bench -- load [--halls 1,100,1000,4000,10000] [--messages 200000] [--quick] [--out docs/performance]
import type { ChildProcess } from "node:child_process";
import { type Influxd, startInfluxd } from "../test/helpers/influxd.js";
import type { SettledMemory } from "./lib/consumer-window.js";
import { checkOpenFiles } from "./lib/fd-limit.js";
import type { GcPauseFigures } from "./lib/gc-pauses.js";
import { ask, forkChild, type IpcMessage, waitFor } from "./lib/ipc.js";
import { LatencyProbe } from "./lib/latency-probe.js";
import {
  burst,
  type ConsumerStats,
  drain,
  endSteadyRate,
  type GeneratorOptions,
  type Generators,
  type NodeRedSink,
  sampleAll,
  startBroker,
  startGenerators,
  stats,
  steadyRate,
  stopAll,
  windowRate,
} from "./lib/load-phases.js";
import { DEVICES_PER_HALL, PROBE_DEVICES, STEADY_MSG_PER_SEC_PER_HALL } from "./lib/load-scenario.js";
import { coresUsed, type ProcSample } from "./lib/proc.js";
import { type Stage, type StageSamples, usPerMsgByStage } from "./lib/stage-attribution.js";
import { percentile, round, sleep } from "./lib/stats.js";

export interface LoadOptions extends GeneratorOptions {
  halls: number[];
  /** Messages per saturation phase (at least two per device, so every device holds values). */
  messages: number;
  /** Bursts per consumer; the fastest counts. */
  repeats: number;
  /** Background rate during the latency phase (msg/s); the issue's target is half of 20,000. */
  latencyRate: number;
  latencySamples: number;
  /** Node-RED variants to run, each its own phase; empty: none. */
  nodeRed: NodeRedSink[];
  /** Messages per Node-RED burst (it is slower; its rate is steady well before this). */
  nodeRedMessages: number;
  quick: boolean;
  /** The aggregator with its write-ahead ingest log (durable acknowledgements) or without. */
  durable: boolean;
  /** Hall counts whose aggregator gets an extra, profiled burst for the CPU by stage. */
  attributeHalls: number[];
  /** Length of the steady phase at the size's realistic rate; 0: none. */
  steadySeconds: number;
}

export interface Saturation {
  sent: number;
  received: number;
  lost: number;
  msgPerSec: number;
  /** Cores used by the consumer process while the burst ran. */
  cores: number;
  cpuUsPerMsg: number;
  brokerCores: number;
  generatorCores: number;
  /** Cores busy on the whole machine, and the part of it not from this run's processes (other work). */
  machineCores: number;
  otherCores: number;
  peakRssMb: number;
}

export interface AggregatorFigures extends Saturation {
  deadLetters: number;
  seqGaps: number;
  faultsSent: number;
  alertsOpened: number;
  rssMb: number;
  rssPerDeviceBytes: number;
  heapPerDeviceBytes: number;
  /** The V8 heap committed but not in use (free pages and fragments after the burst), per device. */
  heapUnusedPerDeviceBytes?: number;
  /** Buffers and other memory outside the V8 heap, per device. */
  externalPerDeviceBytes?: number;
  durable: boolean;
  /** Messages acknowledged without being in the ingest log (must be 0); null without the log. */
  messagesUnlogged: number | null;
  /** Over all the bursts (--repeat): the event loop and the GC pauses. */
  burstLoopDelayP99Ms: number;
  burstLoopDelayMaxMs: number;
  burstGc: GcPauseFigures;
}

/** The aggregator's CPU per message by stage, from a V8 profile of one extra burst (not one of the measured). */
export interface StageAttribution {
  msgPerSec: number;
  /** CPU per message of the profiled burst, from /proc (the profiler costs some of it). */
  cpuUsPerMsg: number;
  busySamples: number;
  idleSamples: number;
  usPerMsgByStage: Record<Stage, number>;
}

/** The realistic rate of the size (every device at its report interval) for a while, probed for fault → alert. */
export interface SteadyFigures {
  rateMsgPerSec: number;
  durationSec: number;
  sent: number;
  /** Counted by the aggregator when the generators stopped, and its share of what was sent. */
  countedAtEnd: number;
  countedShare: number;
  backlogAtEnd: number;
  lost: number;
  samples: number;
  missing: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  aggregatorCores: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  gc: GcPauseFigures;
  /** Counted ≥ 99 % of sent within 250 ms of the phase's last publish. */
  keptUp: boolean;
  /** Kept up and fault → alert p99 ≤ 100 ms. */
  held: boolean;
}

export interface LatencyFigures {
  backgroundMsgPerSec: number;
  sent: number;
  received: number;
  samples: number;
  missing: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  aggregatorCores: number;
  /** The aggregator's event loop: the longest it was blocked during the phase, and its p99 (ms). */
  loopDelayMaxMs: number;
  loopDelayP99Ms: number;
  /** The longest single aggregator flush to SQLite, alert-service tick and silence check (ms). */
  slowestFlushMs: number;
  slowestAlertTickMs: number;
  slowestSilenceCheckMs: number;
  otherCores: number;
  gc: GcPauseFigures;
}

export interface NodeRedFigures extends Saturation {
  sink: NodeRedSink;
  written: number;
  writeErrors: number;
  /** From the first message to the last point InfluxDB acknowledged. */
  writtenMsgPerSec: number;
  invalid: number;
  faultChanges: number;
}

export interface HallRun {
  halls: number;
  devices: number;
  bare: Saturation;
  aggregator: AggregatorFigures;
  latency: LatencyFigures;
  steady: SteadyFigures | null;
  attribution: StageAttribution | null;
  nodeRed: NodeRedFigures[];
}

export interface LoadReport {
  startedAt: string;
  machine: { cpus: number; node: string };
  options: LoadOptions;
  runs: HallRun[];
}

type Samples = Record<string, ProcSample | null>;

function saturation(
  sent: number,
  s: ConsumerStats,
  before: Samples,
  after: Samples,
  peakRssBytes: number,
): Saturation {
  const cores = coresUsed(before.consumer ?? null, after.consumer ?? null);
  const cpuMs = (after.consumer?.cpuMs ?? 0) - (before.consumer?.cpuMs ?? 0);
  const ours = Object.keys(before).filter((k) => k !== "machine");
  const oursCores = ours.reduce((sum, k) => sum + coresUsed(before[k] ?? null, after[k] ?? null), 0);
  const machineCores = coresUsed(before.machine ?? null, after.machine ?? null);
  const generatorCores = Object.keys(before)
    .filter((k) => k.startsWith("gen"))
    .reduce((sum, k) => sum + coresUsed(before[k] ?? null, after[k] ?? null), 0);
  return {
    sent,
    received: s.count,
    lost: Math.max(0, sent - s.count),
    msgPerSec: round(windowRate(s)),
    cores: round(cores, 2),
    cpuUsPerMsg: round((cpuMs * 1000) / Math.max(1, s.count), 1),
    brokerCores: round(coresUsed(before.broker ?? null, after.broker ?? null), 2),
    generatorCores: round(generatorCores, 2),
    machineCores: round(machineCores, 2),
    otherCores: round(Math.max(0, machineCores - oursCores), 2),
    peakRssMb: round(peakRssBytes / 1e6, 1),
  };
}

const pidsOf = (broker: ChildProcess, consumer: ChildProcess, gens: ChildProcess[]) => ({
  broker: broker.pid,
  consumer: consumer.pid,
  ...Object.fromEntries(gens.map((g, i) => [`gen${i}`, g.pid])),
});

/**
 * Runs `repeats` bursts against a consumer already subscribed and keeps the fastest (the first also warms the
 * JIT up, the same for every consumer); messages lost are those of all bursts.
 */
async function measureBurst<Extra = undefined>(
  broker: ChildProcess,
  consumer: ChildProcess,
  gens: Generators,
  total: number,
  repeats: number,
  settle?: (stats: ConsumerStats) => Promise<Extra>,
): Promise<{ figures: Saturation; stats: ConsumerStats; faults: number; extra: Extra | undefined }> {
  type One = Awaited<ReturnType<typeof measureOneBurst>> & { extra: Extra | undefined };
  let best: One | null = null;
  let last: One | null = null;
  let faults = 0;
  let lost = 0;
  for (let i = 0; i < Math.max(1, repeats); i++) {
    const one = await measureOneBurst(broker, consumer, gens, total);
    // What the consumer still does after counting a message (Node-RED's InfluxDB writes) ends before the next.
    last = { ...one, extra: settle ? await settle(one.stats) : undefined };
    faults += last.faults;
    lost += last.figures.lost;
    if (!best || !(best.figures.msgPerSec >= last.figures.msgPerSec)) best = last;
  }
  const chosen = best as One;
  return {
    figures: { ...chosen.figures, lost },
    stats: (last as One).stats,
    faults,
    extra: chosen.extra,
  };
}

async function measureOneBurst(
  broker: ChildProcess,
  consumer: ChildProcess,
  gens: Generators,
  total: number,
): Promise<{ figures: Saturation; stats: ConsumerStats; faults: number }> {
  await ask(consumer, { type: "window" }, "window");
  const pids = pidsOf(broker, consumer, gens.children);
  const before = sampleAll(pids);
  let peak = before.consumer?.rssBytes ?? 0;
  const peakTimer = setInterval(() => {
    const s = sampleAll({ consumer: consumer.pid }).consumer;
    if (s) peak = Math.max(peak, s.rssBytes);
  }, 100);
  const { sent, faults } = await burst(gens, total);
  const s = await drain(consumer, sent);
  const after = sampleAll(pids);
  clearInterval(peakTimer);
  return {
    figures: saturation(sent, s, before, after, Math.max(peak, after.consumer?.rssBytes ?? 0)),
    stats: s,
    faults,
  };
}

async function runBare(hallCount: number, total: number, o: LoadOptions): Promise<Saturation> {
  const broker = await startBroker();
  const bare = forkChild("./bare-child.ts", [broker.url, String(o.qos)], ["--expose-gc"]);
  let gens: Awaited<ReturnType<typeof startGenerators>> | null = null;
  try {
    await waitFor(bare, "ready");
    gens = await startGenerators(broker.url, hallCount, o);
    return (await measureBurst(broker.child, bare, gens, total, o.repeats)).figures;
  } finally {
    await stopAll([...(gens?.children ?? []), bare, broker.child]);
  }
}

type LoopReply = IpcMessage & {
  maxMs: number;
  p99Ms: number;
  flushMs: number;
  alertTickMs: number;
  silenceMs: number;
  gc: GcPauseFigures;
};

const loopFigures = (agg: ChildProcess) => ask<LoopReply>(agg, { type: "loop_delay" }, "loop_delay");
const resetLoop = (agg: ChildProcess) => ask(agg, { type: "loop_delay_reset" }, "loop_delay_reset");

const roundGc = (g: GcPauseFigures): GcPauseFigures => ({
  count: g.count,
  p99PauseMs: round(g.p99PauseMs, 1),
  maxPauseMs: round(g.maxPauseMs, 1),
  totalPauseMs: round(g.totalPauseMs, 1),
});

/** One more burst with the aggregator's own V8 profiler running; its samples by stage × its CPU per message. */
async function attributeBurst(
  broker: ChildProcess,
  agg: ChildProcess,
  gens: Generators,
  total: number,
): Promise<StageAttribution> {
  await ask(agg, { type: "profile_start" }, "profile_start");
  const { figures } = await measureOneBurst(broker, agg, gens, total);
  const samples = await ask<StageSamples & IpcMessage>(
    agg,
    { type: "profile_stop" },
    "profile_stop",
    300_000,
  );
  const byStage = usPerMsgByStage(samples, figures.cpuUsPerMsg);
  return {
    msgPerSec: figures.msgPerSec,
    cpuUsPerMsg: figures.cpuUsPerMsg,
    busySamples: samples.busySamples,
    idleSamples: samples.idleSamples,
    usPerMsgByStage: Object.fromEntries(
      Object.entries(byStage).map(([stage, us]) => [stage, round(us, 2)]),
    ) as Record<Stage, number>,
  };
}

/** "Kept up": by this long after the last publish of the steady phase, ≥ 99 % of it was counted. */
const KEPT_UP_GRACE_MS = 250;

/** The realistic rate of `hallCount` halls (each device at its report interval), at least 1 msg/s. */
export const steadyRateFor = (hallCount: number) =>
  Math.max(1, Math.round(hallCount * STEADY_MSG_PER_SEC_PER_HALL));

/** The steady province phase: the size's realistic rate for `steadySeconds`, the probe spread over it. */
async function runSteady(
  agg: ChildProcess,
  gens: Generators,
  probe: LatencyProbe,
  hallCount: number,
  o: LoadOptions,
): Promise<SteadyFigures> {
  const rateMsgPerSec = steadyRateFor(hallCount);
  const durationMs = o.steadySeconds * 1000;
  await ask(agg, { type: "window" }, "window");
  const cpuBefore = sampleAll({ agg: agg.pid });
  await resetLoop(agg);
  const background = steadyRate(gens, rateMsgPerSec, durationMs);
  await sleep(1000);
  const samples = Math.min(o.latencySamples, probe.remaining);
  const gapMs = Math.max(10, Math.floor((durationMs - 3000) / Math.max(1, samples)) - 5);
  const { latencies, missing } = await probe.run(samples, gapMs);
  const { sent } = await background;
  await sleep(KEPT_UP_GRACE_MS); // the last tick's messages are still on their way, at any rate
  const atEnd = await stats(agg);
  const cpuAfter = sampleAll({ agg: agg.pid });
  const loop = await loopFigures(agg);
  const probes = latencies.length + missing;
  const end = await drain(agg, sent + probes);
  const countedAtEnd = Math.max(0, atEnd.count - latencies.length);
  const sorted = [...latencies].sort((x, y) => x - y);
  const p99Ms = round(percentile(sorted, 99), 1);
  const keptUp = countedAtEnd >= 0.99 * sent;
  return {
    rateMsgPerSec,
    durationSec: o.steadySeconds,
    sent,
    countedAtEnd,
    countedShare: round(sent > 0 ? countedAtEnd / sent : Number.NaN, 4),
    backlogAtEnd: Math.max(0, sent - countedAtEnd),
    lost: Math.max(0, sent + probes - end.count),
    samples: latencies.length,
    missing,
    p50Ms: round(percentile(sorted, 50), 1),
    p99Ms,
    maxMs: round(sorted.at(-1) ?? Number.NaN, 1),
    aggregatorCores: round(coresUsed(cpuBefore.agg ?? null, cpuAfter.agg ?? null), 2),
    loopDelayP99Ms: round(loop.p99Ms, 1),
    loopDelayMaxMs: round(loop.maxMs, 1),
    gc: roundGc(loop.gc),
    keptUp,
    held: keptUp && p99Ms <= 100,
  };
}

async function runAggregator(
  hallCount: number,
  total: number,
  o: LoadOptions,
): Promise<{
  aggregator: AggregatorFigures;
  latency: LatencyFigures;
  steady: SteadyFigures | null;
  attribution: StageAttribution | null;
}> {
  const broker = await startBroker();
  // BENCH_PROFILE=<dir> writes a V8 CPU profile of the aggregator process there (open it in Chrome DevTools).
  const profile = process.env.BENCH_PROFILE
    ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
    : [];
  if (process.env.BENCH_TRACE_GC) profile.push("--trace-gc"); // GC pauses, to the aggregator's stdout
  // BENCH_AGGREGATOR_FLAGS="--max-semi-space-size=64": V8 flags for the aggregator process only.
  profile.push(...(process.env.BENCH_AGGREGATOR_FLAGS ?? "").split(" ").filter(Boolean));
  const agg = forkChild(
    "./aggregator-child.ts",
    [broker.url, String(hallCount), o.durable ? "on" : "off"],
    ["--expose-gc", ...profile],
  );
  let gens: Awaited<ReturnType<typeof startGenerators>> | null = null;
  let probe: LatencyProbe | null = null;
  try {
    const { apiPort, token } = await waitFor<{ type: string; apiPort: number; token: string }>(
      agg,
      "ready",
      120_000,
    );
    const base = await ask<{ type: string } & SettledMemory>(agg, { type: "memory" }, "memory");
    gens = await startGenerators(broker.url, hallCount, o);
    const devices = hallCount * DEVICES_PER_HALL;
    await drain<ConsumerStats & { devices: number }>(agg, devices, (s) => s.devices);
    await resetLoop(agg);
    const { figures, stats: s, faults } = await measureBurst(broker.child, agg, gens, total, o.repeats);
    const burstLoop = await loopFigures(agg);
    const a = s as ConsumerStats & {
      deadLetters: number;
      lost: number;
      alertsOpened: number;
      messagesUnlogged: number | null;
    };
    await sleep(1200); // one flush of pending state to SQLite, so its pages count in RSS
    const mem = await ask<{ type: string } & SettledMemory>(agg, { type: "memory" }, "memory");
    const aggregator: AggregatorFigures = {
      ...figures,
      deadLetters: a.deadLetters,
      seqGaps: a.lost,
      faultsSent: faults,
      alertsOpened: a.alertsOpened,
      rssMb: round(mem.rssBytes / 1e6, 1),
      rssPerDeviceBytes: round((mem.rssBytes - base.rssBytes) / devices),
      heapPerDeviceBytes: round((mem.heapUsedBytes - base.heapUsedBytes) / devices),
      heapUnusedPerDeviceBytes: round(
        (mem.heapTotalBytes - mem.heapUsedBytes - (base.heapTotalBytes - base.heapUsedBytes)) / devices,
      ),
      externalPerDeviceBytes: round((mem.externalBytes - base.externalBytes) / devices),
      durable: o.durable,
      messagesUnlogged: a.messagesUnlogged,
      burstLoopDelayP99Ms: round(burstLoop.p99Ms, 1),
      burstLoopDelayMaxMs: round(burstLoop.maxMs, 1),
      burstGc: roundGc(burstLoop.gc),
    };
    const attribution = o.attributeHalls.includes(hallCount)
      ? await attributeBurst(broker.child, agg, gens, total)
      : null;

    // Latency: a steady background load while the probe raises one fault after another.
    probe = new LatencyProbe(broker.url, { apiUrl: `http://127.0.0.1:${apiPort}`, token });
    await probe.start();
    await drain<ConsumerStats & { devices: number }>(agg, devices + PROBE_DEVICES, (x) => x.devices);
    await ask(agg, { type: "window" }, "window");
    const gapMs = o.quick ? 10 : 40;
    // The background runs until the last sample is in: every sample is taken under load (before, the background
    // had a fixed length, and the samples a backlog delayed past it were taken with the generators stopped).
    const durationMs = 3_600_000;
    const cpuBefore = sampleAll({
      agg: agg.pid,
      broker: broker.child.pid,
      ...Object.fromEntries(gens.children.map((g, i) => [`gen${i}`, g.pid])),
    });
    await resetLoop(agg);
    const background = steadyRate(gens, o.latencyRate, durationMs);
    await sleep(1000);
    const { latencies, missing, split } = await probe.run(o.latencySamples, gapMs);
    endSteadyRate(gens);
    // BENCH_LATENCIES=1: each sample in the order taken, to stderr (where in the phase an outlier fell).
    if (process.env.BENCH_LATENCIES)
      console.error(
        `latency samples ms: ${latencies.map(Math.round).join(" ")}\n  opened + heard: ${split.join(" ")}`,
      );
    const { sent } = await background;
    const probes = latencies.length + missing; // the probe's own faults are telemetry too
    const end = await drain(agg, sent + probes);
    const cpuAfter = sampleAll({
      agg: agg.pid,
      broker: broker.child.pid,
      ...Object.fromEntries(gens.children.map((g, i) => [`gen${i}`, g.pid])),
    });
    const loop = await loopFigures(agg);
    const ourCores = Object.keys(cpuBefore)
      .filter((k) => k !== "machine")
      .reduce((sum, k) => sum + coresUsed(cpuBefore[k] ?? null, cpuAfter[k] ?? null), 0);
    const sorted = [...latencies].sort((x, y) => x - y);
    const latency: LatencyFigures = {
      backgroundMsgPerSec: o.latencyRate,
      sent,
      received: end.count - probes,
      samples: latencies.length,
      missing,
      p50Ms: round(percentile(sorted, 50), 1),
      p99Ms: round(percentile(sorted, 99), 1),
      maxMs: round(sorted.at(-1) ?? Number.NaN, 1),
      aggregatorCores: round(coresUsed(cpuBefore.agg ?? null, cpuAfter.agg ?? null), 2),
      loopDelayMaxMs: round(loop.maxMs, 1),
      loopDelayP99Ms: round(loop.p99Ms, 1),
      slowestFlushMs: round(loop.flushMs, 1),
      slowestAlertTickMs: round(loop.alertTickMs, 1),
      slowestSilenceCheckMs: round(loop.silenceMs, 1),
      otherCores: round(
        Math.max(0, coresUsed(cpuBefore.machine ?? null, cpuAfter.machine ?? null) - ourCores),
        2,
      ),
      gc: roundGc(loop.gc),
    };
    const steady = o.steadySeconds > 0 ? await runSteady(agg, gens, probe, hallCount, o) : null;
    // Unlogged messages are counted to the end (the steady phase too).
    const final = await stats<ConsumerStats & { messagesUnlogged: number | null }>(agg);
    aggregator.messagesUnlogged = final.messagesUnlogged;
    return { aggregator, latency, steady, attribution };
  } finally {
    await probe?.stop().catch(() => undefined);
    await stopAll([...(gens?.children ?? []), agg, broker.child]);
  }
}

async function runNodeRed(
  hallCount: number,
  total: number,
  o: LoadOptions,
  sink: NodeRedSink,
  influx: Influxd | null,
): Promise<NodeRedFigures> {
  const database = `nodered_${sink}_${hallCount}`;
  if (influx)
    await fetch(`${influx.url}/query?q=${encodeURIComponent(`CREATE DATABASE ${database}`)}`, {
      method: "POST",
    });
  const broker = await startBroker();
  const red = forkChild(
    "./node-red-child.ts",
    [broker.url, influx?.url ?? "", database, sink, String(o.qos)],
    ["--expose-gc"],
  );
  let gens: Awaited<ReturnType<typeof startGenerators>> | null = null;
  try {
    await waitFor(red, "ready", 120_000);
    gens = await startGenerators(broker.url, hallCount, o);
    await drain<ConsumerStats & { births: number }>(red, hallCount, (s) => s.births);
    type Written = ConsumerStats & {
      written: number;
      writeErrors: number;
      lastWrittenMs: number;
      invalid: number;
      faultChanges: number;
    };
    const { figures, extra } = await measureBurst(broker.child, red, gens, total, o.repeats, (burst) =>
      drain<Written>(red, burst.count, (x) => x.written, 15_000),
    );
    const w = extra as Written;
    return {
      ...figures,
      sink,
      written: w.written,
      writeErrors: w.writeErrors,
      writtenMsgPerSec: round(windowRate({ count: w.written, firstMs: w.firstMs, lastMs: w.lastWrittenMs })),
      invalid: w.invalid,
      faultChanges: w.faultChanges,
    };
  } finally {
    await stopAll([...(gens?.children ?? []), red, broker.child]);
  }
}

export async function benchLoad(
  o: LoadOptions,
  log: (line: string) => void = console.log,
): Promise<LoadReport> {
  const { availableParallelism } = await import("node:os");
  const report: LoadReport = {
    startedAt: new Date().toISOString(),
    machine: { cpus: availableParallelism(), node: process.version },
    options: o,
    runs: [],
  };
  checkOpenFiles(Math.max(...o.halls));
  const influx = o.nodeRed.some((sink) => sink !== "none") ? await startInfluxd() : null;
  try {
    for (const hallCount of o.halls) {
      const devices = hallCount * DEVICES_PER_HALL;
      const total = Math.max(o.messages, 2 * devices);
      log(`— ${hallCount} hall(s), ${devices} devices, ${total} messages per burst`);
      const bare = await runBare(hallCount, total, o);
      log(`  bare subscriber: ${bare.msgPerSec} msg/s`);
      const { aggregator, latency, steady, attribution } = await runAggregator(hallCount, total, o);
      log(
        `  aggregator (durable ${o.durable ? "on" : "off"}): ${aggregator.msgPerSec} msg/s; fault → alert p99 ${latency.p99Ms} ms at ${latency.backgroundMsgPerSec} msg/s`,
      );
      if (steady)
        log(
          `  steady ${steady.rateMsgPerSec} msg/s for ${steady.durationSec} s: p99 ${steady.p99Ms} ms, counted ${(steady.countedShare * 100).toFixed(1)} %, held: ${steady.held ? "yes" : "no"}`,
        );
      const nodeRed: NodeRedFigures[] = [];
      for (const sink of o.nodeRed) {
        const red = await runNodeRed(hallCount, Math.max(o.nodeRedMessages, devices), o, sink, influx);
        log(`  node-red (${sink}): ${red.msgPerSec} msg/s, written ${red.writtenMsgPerSec} msg/s`);
        nodeRed.push(red);
      }
      report.runs.push({
        halls: hallCount,
        devices,
        bare,
        aggregator,
        latency,
        steady,
        attribution,
        nodeRed,
      });
    }
  } finally {
    await influx?.stop();
  }
  return report;
}
