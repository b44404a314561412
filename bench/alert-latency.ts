// Fault → alert latency: from the MQTT publish of a faulty reading to the alert on the live stream (SSE),
// under background telemetry load. Prints p50 / p99 / max.  npm run bench -- alert-latency [--rate 5000]
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import mqtt from "mqtt";
import { Aggregator } from "../src/aggregator/aggregator.js";
import { AlertService } from "../src/alerts/alert-service.js";
import { buildApi } from "../src/api/app.js";
import { createMetrics } from "../src/api/metrics.js";
import { topics } from "../src/contract/index.js";
import { parseRulesConfig } from "../src/core/faults/config.js";
import { DEFAULT_SILENCE_POLICY } from "../src/core/presence/silence.js";
import { silentLogger } from "../src/logging.js";
import { AuditLog } from "../src/store/audit.js";
import { openDatabase } from "../src/store/database.js";
import { HallDirectory } from "../src/store/hall-directory.js";
import { HallStore } from "../src/store/halls.js";
import { SqliteEngine } from "../src/store/sql/sqlite-engine.js";
import { UserStore } from "../src/store/users.js";

export interface LatencyOptions {
  halls: number;
  devices: number;
  ratePerSec: number;
  samples: number;
}

function child(script: string, args: string[]): { proc: ChildProcess; lines: AsyncIterator<string> } {
  const proc = spawn(
    process.execPath,
    ["--import", "tsx", new URL(script, import.meta.url).pathname, ...args],
    {
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  return {
    proc,
    lines: createInterface({ input: proc.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator](),
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

export async function benchAlertLatency(o: LatencyOptions): Promise<Record<string, number | string>> {
  const broker = child("./lib/broker-child.ts", []);
  const { port } = JSON.parse(((await broker.lines.next()).value as string) ?? "{}") as { port: number };
  const url = `mqtt://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), "hallwatch-latency-"));
  const db = openDatabase(join(dir, "hallwatch.db"));
  const addHall = db.prepare("INSERT INTO halls (id, name, created_ms) VALUES (?, ?, 0)");
  const addAgent = db.prepare(
    "INSERT INTO agents (id, hall_id, secret_hash, created_ms) VALUES (?, ?, 'x', 0)",
  );
  for (let h = 0; h < o.halls; h++) {
    addHall.run(`hall-${h}`, `Hall ${h}`);
    addAgent.run(`agent-${h}`, `hall-${h}`);
  }
  addHall.run("probe-hall", "Probe");
  const halls = await HallDirectory.open(HallStore.onSqlite(db));
  addAgent.run("probe-agent", "probe-hall");
  const logger = silentLogger();
  const aggregator = new Aggregator({
    brokerUrl: url,
    username: "_aggregator",
    password: "x",
    sql: new SqliteEngine(db),
    logger,
    silencePolicy: DEFAULT_SILENCE_POLICY,
  });
  await aggregator.start();
  const alerts = new AlertService({
    sql: new SqliteEngine(db),
    aggregator,
    rules: parseRulesConfig({}),
    logger,
  });
  await alerts.start();
  const users = new UserStore(new SqliteEngine(db));
  await users.create({
    username: "bench",
    displayName: "Bench",
    password: "bench-password",
    roles: ["admin"],
    halls: ["*"],
  });
  const { token } = await users.createApiToken("bench", "bench", null);
  const auth = {
    users,
    audit: new AuditLog(new SqliteEngine(db)),
    sessionIdleMs: 3_600_000,
    sessionAbsoluteMs: 3_600_000,
    secureCookies: false,
  };
  const api = await buildApi({
    auth,
    aggregator,
    alerts,
    halls,
    metrics: createMetrics(aggregator, null),
    logger,
    version: "bench",
  });
  await api.listen({ host: "127.0.0.1", port: 0 });
  const apiUrl = `http://127.0.0.1:${(api.server.address() as { port: number }).port}`;
  const load = child("./lib/load-child.ts", [url, String(o.halls), String(o.devices), String(o.ratePerSec)]);
  await load.lines.next();

  const probe = await mqtt.connectAsync(url, { clientId: "probe-agent" });
  await probe.publishAsync(
    topics.birth("probe-hall", "probe-agent"),
    JSON.stringify({
      v: 1,
      session: 1,
      seq: 0,
      tsMs: Date.now(),
      agent: { id: "probe-agent", version: "bench" },
      devices: [{ id: "probe-kiosk", kind: "kiosk", model: "K", zone: "z", reportIntervalSec: 10 }],
    }),
    { qos: 1 },
  );
  await new Promise((r) => setTimeout(r, 1000));

  const arrivals = new Map<number, number>();
  const controller = new AbortController();
  const response = await fetch(`${apiUrl}/api/alerts/stream`, {
    signal: controller.signal,
    headers: { authorization: `Bearer ${token}` },
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let round = 0;
  void (async () => {
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let cut = buffer.indexOf("\n\n");
        while (cut >= 0) {
          const data = buffer
            .slice(0, cut)
            .split("\n")
            .find((l) => l.startsWith("data: "));
          buffer = buffer.slice(cut + 2);
          if (data) {
            const event = JSON.parse(data.slice(6)) as { action: string; alert: { deviceId: string } };
            if (
              event.alert.deviceId === "probe-kiosk" &&
              (event.action === "opened" || event.action === "reopened")
            ) {
              arrivals.set(round, performance.now());
            }
          }
          cut = buffer.indexOf("\n\n");
        }
      }
    } catch {
      // aborted at the end
    }
  })();

  const latencies: number[] = [];
  let seq = 0;
  const reading = (printerState: string) =>
    JSON.stringify({
      v: 1,
      session: 1,
      seq: ++seq,
      tsMs: Date.now(),
      values: { appOk: true, printerState, cpuPct: 5, memPct: 5, diskPct: 5 },
    });
  const topic = topics.telemetry("probe-hall", "probe-agent", "probe-kiosk");
  for (round = 1; round <= o.samples; round++) {
    const sentAt = performance.now();
    probe.publish(topic, reading("jam"), { qos: 1 });
    const deadline = sentAt + 5000;
    while (!arrivals.has(round) && performance.now() < deadline) await new Promise((r) => setImmediate(r));
    const at = arrivals.get(round);
    if (at !== undefined) latencies.push(at - sentAt);
    await probe.publishAsync(topic, reading("ok"), { qos: 1 });
    await new Promise((r) => setTimeout(r, 20));
  }
  controller.abort();
  load.proc.stdin?.end();
  const loadResult = JSON.parse(((await load.lines.next()).value as string) ?? "{}") as { sent: number };
  const stats = aggregator.stats();
  await probe.endAsync();
  await alerts.stop();
  await api.close();
  await aggregator.stop();
  db.close();
  broker.proc.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });

  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    "background load msg/s": o.ratePerSec,
    "background messages sent": loadResult.sent,
    "aggregator telemetry received": stats.messagesByType.telemetry ?? 0,
    samples: `${latencies.length} / ${o.samples}`,
    "fault → alert p50 ms": Number(percentile(sorted, 50).toFixed(1)),
    "fault → alert p99 ms": Number(percentile(sorted, 99).toFixed(1)),
    "fault → alert max ms": Number((sorted.at(-1) ?? NaN).toFixed(1)),
  };
}
