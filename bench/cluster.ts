// Scale-out on one broker stream (issue 15): one Mosquitto, one publisher sending telemetry for H halls at a fixed
// rate, and the probe faulting a kiosk now and then; consumed in turn by
//   - the bare MQTT.js subscriber (no Hallwatch),
//   - one Hallwatch node on SQLite (the embedded default, pointed at the external broker),
//   - one node sharing the halls on PostgreSQL (HALLWATCH_CLUSTER=shared), then two,
// each node a process started as an operator starts it, measured from /proc; msg/s from its own /metrics;
// fault → alert from the publish to the alert on `hallwatch/v1/_system/alerts/+`, where the hall's owner publishes it.
//   npm run bench -- cluster [--halls 40] [--rate 2000] [--window 12] [--samples 80] [--burst 40000] [--quick]
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../src/store/database.js";
import { HallStore } from "../src/store/halls.js";
import type { SqlEngine } from "../src/store/sql/engine.js";
import { PostgresEngine } from "../src/store/sql/postgres-engine.js";
import { migratePostgres } from "../src/store/sql/postgres-migrations.js";
import { SqliteEngine } from "../src/store/sql/sqlite-engine.js";
import { bearerToken } from "../test/helpers/auth.js";
import { freePort } from "../test/helpers/free-port.js";
import { HallwatchProcess, pgQuery } from "../test/helpers/hallwatch-process.js";
import { type MosquittoProcess, spawnMosquitto } from "../test/helpers/mosquitto-process.js";
import { type PostgresServer, startPostgres } from "../test/helpers/postgres.js";
import {
  type ClusterReport,
  clusterRows,
  interpretation,
  type NodeFigures,
  type RunFigures,
  sizing,
  summaryFigures,
  type WindowFigures,
} from "./lib/cluster-report.js";
import { ask, forkChild, stopChild, waitFor } from "./lib/ipc.js";
import { LatencyProbe } from "./lib/latency-probe.js";
import {
  burst,
  type Generators,
  sampleAll,
  startGenerators,
  steadyRate,
  stopAll,
} from "./lib/load-phases.js";
import { agentIdOf, DEVICES_PER_HALL, hallIdOf, PROBE_AGENT, PROBE_HALL } from "./lib/load-scenario.js";
import { coresUsed, findProcess, type ProcSample, sampleTree, treeCpuMs } from "./lib/proc.js";
import { percentile, round, sleep } from "./lib/stats.js";

export interface ClusterOptions {
  halls: number;
  ratePerSec: number;
  /** The shortest measuring window per run, in seconds (the probe's samples may make it longer). */
  windowSec: number;
  samples: number;
  gapMs: number;
  /** Messages of the burst after each steady window (on top of the steady stream). */
  burstMessages: number;
}

const ADMIN_PASSWORD = "Bench-Admin-Password-4711";
/** Shorter than the defaults (5 s, 15 s) only so that a cold cluster owns its halls sooner. */
const CLUSTER_CONFIG = { cluster: { heartbeatMs: 1000, leaseMs: 3000 } };

/** A consumer under measure: its process, and its count of telemetry messages so far. */
interface Consumer {
  node: string;
  pid: number;
  count: () => Promise<number>;
  halls: () => Promise<number>;
}

async function startBroker(dir: string): Promise<{ broker: MosquittoProcess; url: string }> {
  const port = await freePort();
  const conf = join(dir, "mosquitto.conf");
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      "allow_anonymous true",
      "persistence false",
      "max_queued_messages 100000",
      "log_dest stderr",
      "log_type error",
      "",
    ].join("\n"),
  );
  // Mosquitto run as root drops to its own user, which must read the config.
  chmodSync(dir, 0o755);
  chmodSync(conf, 0o644);
  return { broker: await spawnMosquitto(conf, port), url: `mqtt://127.0.0.1:${port}` };
}

/** The bench halls and the probe's, each with its agent, as the aggregator requires them provisioned. */
async function provision(engine: SqlEngine, halls: number): Promise<void> {
  const store = new HallStore(engine);
  const hallIds = [...Array.from({ length: halls }, (_, i) => hallIdOf(i)), PROBE_HALL];
  for (const hallId of hallIds) {
    await store.upsert({ id: hallId, name: hallId });
    await engine.run("INSERT INTO agents (id, hall_id, secret_hash, created_ms) VALUES (?, ?, 'broker', ?)", [
      hallId === PROBE_HALL ? PROBE_AGENT : agentIdOf(hallId),
      hallId,
      Date.now(),
    ]);
  }
}

/** A started Hallwatch node as a consumer: its telemetry counter read from its own /metrics. */
async function nodeConsumer(
  node: HallwatchProcess,
  name: string,
  halls: () => Promise<number>,
): Promise<Consumer> {
  const token = await bearerToken(node.httpUrl, "admin", ADMIN_PASSWORD);
  return {
    node: name,
    pid: node.pid as number,
    halls,
    count: async () => {
      const response = await fetch(`${node.httpUrl}/metrics`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const text = await response.text();
      return Number(/^hallwatch_messages_received_total\{type="telemetry"\} (\S+)$/m.exec(text)?.[1] ?? 0);
    },
  };
}

/** Waits until every consumer counts telemetry again (it owns its halls and has subscribed). */
async function flowing(consumers: Consumer[], timeoutMs = 30_000): Promise<void> {
  const started = performance.now();
  for (const c of consumers) {
    const first = await c.count();
    while ((await c.count()) <= first) {
      if (performance.now() - started > timeoutMs) throw new Error(`${c.node} receives no telemetry`);
      await sleep(200);
    }
  }
}

interface Context {
  broker: MosquittoProcess;
  gens: Generators;
  probe: LatencyProbe | null;
  /** PostgreSQL's postmaster, whose backends' CPU counts as the database's; null on SQLite. */
  postgresPid: number | null;
  o: ClusterOptions;
}

/**
 * One window: CPU from /proc and the counts of every consumer, the broker and the publisher while `during` runs;
 * `inBroker` says how many messages went into the broker over the window's seconds.
 */
async function sampleWindow<T>(
  consumers: Consumer[],
  ctx: Context,
  during: () => Promise<T>,
  inBroker: (seconds: number, result: T) => number,
): Promise<{ figures: WindowFigures; result: T }> {
  const pids: Record<string, number | undefined> = {
    broker: ctx.broker.child.pid,
    ...Object.fromEntries(ctx.gens.children.map((g, i) => [`gen${i}`, g.pid])),
    ...Object.fromEntries(consumers.map((c) => [c.node, c.pid])),
  };
  const counts0 = await Promise.all(consumers.map((c) => c.count()));
  const pgBefore = ctx.postgresPid ? sampleTree(ctx.postgresPid) : null;
  const before = sampleAll(pids);
  const result = await during();
  const after = sampleAll(pids);
  const pgAfter = ctx.postgresPid ? sampleTree(ctx.postgresPid) : null;
  const pgCpuMs = pgBefore && pgAfter ? treeCpuMs(pgBefore, pgAfter) : Number.NaN;
  const counts1 = await Promise.all(consumers.map((c) => c.count()));
  const halls = await Promise.all(consumers.map((c) => c.halls()));
  const cores = (k: string) => coresUsed(before[k] ?? null, after[k] ?? null);
  const cpuMs = (k: string) => (after[k]?.cpuMs ?? 0) - (before[k]?.cpuMs ?? 0);
  const seconds = ((after.machine as ProcSample).atMs - (before.machine as ProcSample).atMs) / 1000;
  const nodes: NodeFigures[] = consumers.map((c, i) => {
    const received = (counts1[i] ?? 0) - (counts0[i] ?? 0);
    return {
      node: c.node,
      halls: halls[i] ?? 0,
      msgPerSec: round(received / seconds),
      cores: round(cores(c.node), 2),
      cpuUsPerMsg: round((cpuMs(c.node) * 1000) / Math.max(1, received), 1),
    };
  });
  const publisherCores = ctx.gens.children.reduce((sum, _, i) => sum + cores(`gen${i}`), 0);
  const pgCores = pgCpuMs / 1000 / seconds;
  const ours = Object.keys(pids).reduce((sum, k) => sum + cores(k), 0) + (pgCores || 0);
  const published = Math.max(1, inBroker(seconds, result));
  const figures: WindowFigures = {
    nodes,
    publishedMsgPerSec: round(published / seconds),
    brokerCores: round(cores("broker"), 2),
    brokerUsPerMsg: round((cpuMs("broker") * 1000) / published, 1),
    postgresCores: round(pgCores, 2),
    postgresUsPerMsg: round((pgCpuMs * 1000) / published, 1),
    publisherCores: round(publisherCores, 2),
    machineCores: round(cores("machine"), 2),
    otherCores: round(Math.max(0, cores("machine") - ours), 2),
  };
  return { figures, result };
}

/** Until the consumers together counted `target` more messages, or nothing more came for `stallMs`. */
async function counted(consumers: Consumer[], from: number, target: number, stallMs = 5000): Promise<void> {
  const total = async () => (await Promise.all(consumers.map((c) => c.count()))).reduce((a, b) => a + b, 0);
  let last = await total();
  let progressAt = performance.now();
  while (last - from < target && performance.now() - progressAt < stallMs) {
    await sleep(50);
    const next = await total();
    if (next > last) progressAt = performance.now();
    last = next;
  }
}

/** A run: the steady window with the probe's faults, then a burst as fast as the broker takes it. */
async function measure(run: string, consumers: Consumer[], ctx: Context): Promise<RunFigures> {
  const steady = await sampleWindow(
    consumers,
    ctx,
    async () => {
      const probed = ctx.probe ? ctx.probe.run(ctx.o.samples, ctx.o.gapMs) : Promise.resolve(null);
      const [latency] = await Promise.all([probed, sleep(ctx.o.windowSec * 1000)]);
      return latency;
    },
    (seconds) => ctx.o.ratePerSec * seconds,
  );
  const before = (await Promise.all(consumers.map((c) => c.count()))).reduce((a, b) => a + b, 0);
  const burstWindow = await sampleWindow(
    consumers,
    ctx,
    async () => {
      const { sent } = await burst(ctx.gens, ctx.o.burstMessages);
      await counted(consumers, before, sent);
      return sent;
    },
    (seconds, sent) => sent + ctx.o.ratePerSec * seconds,
  );
  const latency = steady.result;
  const sorted = [...(latency?.latencies ?? [])].sort((a, b) => a - b);
  return {
    run,
    steady: steady.figures,
    burst: burstWindow.figures,
    latency: latency
      ? {
          p50Ms: round(percentile(sorted, 50), 1),
          p99Ms: round(percentile(sorted, 99), 1),
          samples: latency.latencies.length,
          missing: latency.missing,
        }
      : null,
  };
}

async function runBare(ctx: Context, url: string): Promise<RunFigures> {
  const bare = forkChild("./bare-child.ts", [url, "1"]);
  try {
    await waitFor(bare, "ready");
    const consumer: Consumer = {
      node: "bare",
      pid: bare.pid as number,
      halls: async () => ctx.gens.halls.reduce((a, b) => a + b, 0),
      count: async () => Number((await ask(bare, { type: "stats" }, "stats")).total),
    };
    await flowing([consumer]);
    return await measure("bare MQTT.js subscriber", [consumer], { ...ctx, probe: null });
  } finally {
    await stopChild(bare);
  }
}

async function runSqlite(ctx: Context, url: string, dir: string): Promise<RunFigures> {
  const dataDir = join(dir, "sqlite");
  mkdirSync(dataDir);
  const db = openDatabase(join(dataDir, "hallwatch.db"));
  await provision(new SqliteEngine(db), ctx.o.halls);
  db.close();
  const node = await HallwatchProcess.onExternalBroker({
    brokerUrl: url,
    mqttUsername: "_aggregator",
    mqttPassword: "bench",
    dataDir,
    adminPassword: ADMIN_PASSWORD,
    secretKey: randomBytes(32).toString("base64"),
  });
  try {
    await node.start();
    const consumer = await nodeConsumer(node, "sqlite", async () => ctx.o.halls + 1);
    await flowing([consumer]);
    return await measure("1 node, SQLite", [consumer], ctx);
  } finally {
    await node.stop();
  }
}

async function runShared(ctx: Context, url: string, dir: string, pg: PostgresServer): Promise<RunFigures[]> {
  const databaseUrl = await pg.createDatabase("bench");
  const engine = new PostgresEngine({ connectionString: databaseUrl });
  await migratePostgres(engine);
  await provision(engine, ctx.o.halls);
  await engine.close();
  const configFile = join(dir, "cluster.json");
  writeFileSync(configFile, JSON.stringify(CLUSTER_CONFIG));
  const secretKey = randomBytes(32).toString("base64");
  const owned = async () =>
    new Map(
      (
        await pgQuery<{ owner_node: string; n: string }>(
          databaseUrl,
          `SELECT owner_node, count(*) AS n FROM hall_leases
            WHERE owner_node IS NOT NULL AND expires_ms > hallwatch_now_ms() GROUP BY owner_node`,
        )
      ).map((r) => [r.owner_node, Number(r.n)]),
    );
  const nodes: HallwatchProcess[] = [];
  const consumers: Consumer[] = [];
  const addNode = async (nodeId: string) => {
    const dataDir = join(dir, nodeId);
    mkdirSync(dataDir);
    const node = await HallwatchProcess.sharedNode({
      databaseUrl,
      brokerUrl: url,
      mqttUsername: `_${nodeId}`,
      mqttPassword: "bench",
      dataDir,
      nodeId,
      adminPassword: ADMIN_PASSWORD,
      secretKey,
      configFile,
    });
    nodes.push(node);
    await node.start();
    consumers.push(await nodeConsumer(node, nodeId, async () => (await owned()).get(nodeId) ?? 0));
    // Every hall owned, by every node (a joining node takes its share as the others hand it over).
    const deadline = performance.now() + 60_000;
    for (;;) {
      const byNode = await owned();
      const total = [...byNode.values()].reduce((a, b) => a + b, 0);
      if (total === ctx.o.halls + 1 && consumers.every((c) => (byNode.get(c.node) ?? 0) > 0)) break;
      if (performance.now() > deadline) throw new Error(`halls not spread over ${consumers.length} node(s)`);
      await sleep(250);
    }
    await flowing(consumers);
    await sleep(2000); // takeovers' rebirths and state loads settle, the new process's JIT warms up
  };
  try {
    await addNode("node1");
    const one = await measure("1 node, PostgreSQL (shared)", [...consumers], ctx);
    await addNode("node2");
    const two = await measure("2 nodes, PostgreSQL (shared)", [...consumers], ctx);
    return [one, two];
  } finally {
    for (const node of nodes) await node.stop();
  }
}

export async function benchCluster(
  o: ClusterOptions,
  log: (line: string) => void = console.log,
): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), "hallwatch-bench-cluster-"));
  // PostgreSQL starts (initdb) while the rest runs.
  const pgStarting = startPostgres();
  pgStarting.catch(() => undefined);
  const { broker, url } = await startBroker(dir);
  let gens: Generators | null = null;
  const probe = new LatencyProbe(url, "mqtt");
  try {
    gens = await startGenerators(url, o.halls, {
      generators: 1,
      faultShare: 0,
      qos: 1,
      window: 500,
      seed: 1,
    });
    // One stream for the whole bench: it ends when the generator is stopped.
    void steadyRate(gens, o.ratePerSec, 3_600_000).catch(() => undefined);
    await probe.start();
    const ctx: Context = { broker, gens, probe, postgresPid: null, o };
    const runs: RunFigures[] = [];
    log("cluster: bare subscriber…");
    runs.push(await runBare(ctx, url));
    log("cluster: one node on SQLite…");
    runs.push(await runSqlite(ctx, url, dir));
    log("cluster: one, then two nodes on PostgreSQL (shared)…");
    const pg = await pgStarting;
    const postgresPid = findProcess((cmd) => cmd.includes("postgres") && cmd.includes(` -p ${pg.port} `));
    runs.push(...(await runShared({ ...ctx, postgresPid }, url, dir, pg)));
    const report: ClusterReport = {
      halls: o.halls,
      devicesPerHall: DEVICES_PER_HALL,
      ratePerSec: o.ratePerSec,
      windowSec: o.windowSec,
      burstMessages: o.burstMessages,
      cpus: availableParallelism(),
      runs,
    };
    const s = sizing(report);
    log(
      "\nSteady rate, with the probe's faults (msg/s and CPU of each consumer; broker per message published):",
    );
    console.table(clusterRows(report, "steady"));
    log(
      `\nBurst of ${o.burstMessages} messages as fast as the broker takes them, on top of the steady stream:`,
    );
    console.table(clusterRows(report, "burst"));
    for (const line of interpretation(report, s)) log(`  ${line}`);
    return summaryFigures(s);
  } finally {
    await probe.stop().catch(() => undefined);
    await stopAll(gens?.children ?? []);
    await broker.stop();
    await (await pgStarting.catch(() => null))?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
