// Ingest throughput: the aggregator against a bare MQTT.js subscriber, same broker, same stream, same run.
//   npm run bench -- ingest [--halls 20] [--devices 50] [--messages 100000] [--qos 1]
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import mqtt from "mqtt";
import { Aggregator } from "../src/aggregator/aggregator.js";
import { DEFAULT_SILENCE_POLICY } from "../src/core/presence/silence.js";
import { silentLogger } from "../src/logging.js";
import { openDatabase } from "../src/store/database.js";
import { SqliteEngine } from "../src/store/sql/sqlite-engine.js";

export interface IngestOptions {
  halls: number;
  devices: number;
  messages: number;
  qos: 0 | 1;
}

function child(script: string, args: string[]): { proc: ChildProcess; lines: AsyncIterator<string> } {
  const proc = spawn(
    process.execPath,
    ["--import", "tsx", new URL(script, import.meta.url).pathname, ...args],
    {
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const lines = createInterface({ input: proc.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  return { proc, lines };
}

async function expectLine(lines: AsyncIterator<string>, what: string): Promise<string> {
  const next = await lines.next();
  if (next.done) throw new Error(`child ended before "${what}"`);
  return next.value;
}

async function runPublisher(url: string, o: IngestOptions, onBirths: () => Promise<void>): Promise<void> {
  const pub = child("./lib/publisher-child.ts", [
    url,
    String(o.halls),
    String(o.devices),
    String(o.messages),
    String(o.qos),
  ]);
  await expectLine(pub.lines, "births");
  await onBirths();
  pub.proc.stdin?.write("go\n");
  await expectLine(pub.lines, "done");
  await new Promise((resolve) => pub.proc.once("exit", resolve));
}

async function measure(received: () => number, target: number, timeoutMs = 120_000): Promise<number> {
  const started = performance.now();
  while (received() < target) {
    if (performance.now() - started > timeoutMs) throw new Error(`only ${received()} of ${target} received`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return performance.now() - started;
}

export async function benchIngest(o: IngestOptions): Promise<Record<string, number | string>> {
  const broker = child("./lib/broker-child.ts", []);
  const { port } = JSON.parse(await expectLine(broker.lines, "port")) as { port: number };
  const url = `mqtt://127.0.0.1:${port}`;
  const total = Math.ceil(o.messages / o.halls) * o.halls;
  try {
    // Phase 1: the bare subscriber, the ceiling for one Node process.
    const bare = await mqtt.connectAsync(url, { clientId: "bench-bare" });
    let bareCount = 0;
    let bareMs = 0;
    bare.on("message", (topic) => {
      if (topic.includes("/telemetry/")) bareCount += 1;
    });
    await bare.subscribeAsync("hallwatch/#", { qos: o.qos });
    await runPublisher(url, o, async () => {
      const timing = measure(() => bareCount, total);
      void timing.then((ms) => {
        bareMs = ms;
      });
    });
    await measure(() => bareCount, total);
    await bare.endAsync();

    // Phase 2: the aggregator, validating, tracking and persisting every device.
    const dir = mkdtempSync(join(tmpdir(), "hallwatch-bench-"));
    const db = openDatabase(join(dir, "hallwatch.db"));
    const insertHall = db.prepare("INSERT INTO halls (id, name, created_ms) VALUES (?, ?, 0)");
    const insertAgent = db.prepare(
      "INSERT INTO agents (id, hall_id, secret_hash, created_ms) VALUES (?, ?, 'x', 0)",
    );
    for (let h = 0; h < o.halls; h++) {
      insertHall.run(`hall-${h}`, `Hall ${h}`);
      insertAgent.run(`agent-${h}`, `hall-${h}`);
    }
    const aggregator = new Aggregator({
      brokerUrl: url,
      username: "_aggregator",
      password: "x",
      sql: new SqliteEngine(db),
      logger: silentLogger(),
      silencePolicy: DEFAULT_SILENCE_POLICY,
    });
    await aggregator.start();
    const rssBeforeMb = process.memoryUsage().rss / 1e6;
    const aggCount = () => aggregator.stats().messagesByType.telemetry ?? 0;
    let aggMs = 0;
    const cpuBefore = process.cpuUsage();
    await runPublisher(url, o, async () => {
      await measure(() => aggregator.presence.deviceCount, o.halls * o.devices, 30_000);
      void measure(aggCount, total).then((ms) => {
        aggMs = ms;
      });
    });
    await measure(aggCount, total);
    const cpu = process.cpuUsage(cpuBefore);
    const stats = aggregator.stats();
    await aggregator.stop();
    db.close();
    rmSync(dir, { recursive: true, force: true });

    const bareRate = total / (bareMs / 1000);
    const aggRate = total / (aggMs / 1000);
    return {
      messages: total,
      devices: o.halls * o.devices,
      qos: o.qos,
      "bare subscriber msg/s": Math.round(bareRate),
      "aggregator msg/s": Math.round(aggRate),
      "aggregator / bare": `${((aggRate / bareRate) * 100).toFixed(1)} %`,
      "aggregator CPU s": Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
      "RSS MB (after start)": Number(rssBeforeMb.toFixed(1)),
      "RSS MB (end)": Number((process.memoryUsage().rss / 1e6).toFixed(1)),
      "dead letters": Object.values(stats.deadLettersByReason).reduce((a, b) => a + b, 0),
      "lost (seq gaps)": stats.lostMessages,
    };
  } finally {
    broker.proc.kill("SIGTERM");
  }
}
