// The aggregator under test, as it runs in Hallwatch: the Aggregator (validation, presence, SQLite state), the
// AlertService (fault rules, alert lifecycle in SQLite) and the HTTP API with its live alert stream (SSE), in
// one process with its own SQLite file. Driven over IPC by bench/load.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Aggregator } from "../../src/aggregator/aggregator.js";
import { AlertChangeQueue } from "../../src/alerts/alert-change-queue.js";
import { AlertService } from "../../src/alerts/alert-service.js";
import { buildApi } from "../../src/api/app.js";
import { createMetrics } from "../../src/api/metrics.js";
import { parseRulesConfig } from "../../src/core/faults/config.js";
import { DEFAULT_SILENCE_POLICY } from "../../src/core/presence/silence.js";
import { silentLogger } from "../../src/logging.js";
import { AuditLog } from "../../src/store/audit.js";
import { WalCheckpointer } from "../../src/store/checkpoint-worker.js";
import { openDatabase } from "../../src/store/database.js";
import { HallDirectory } from "../../src/store/hall-directory.js";
import { HallStore } from "../../src/store/halls.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";
import { UserStore } from "../../src/store/users.js";
import { ConsumerWindow, settledMemory } from "./consumer-window.js";
import { StageProfiler } from "./cpu-profiler.js";
import { GcPauses } from "./gc-pauses.js";
import { serveParent, tellParent } from "./ipc.js";
import { agentIdOf, BENCH_PASSWORD, hallIdOf, PROBE_AGENT, PROBE_HALL } from "./load-scenario.js";

// durableArg: "on" runs the aggregator with its write-ahead ingest log (acknowledged = logged), "off" without.
const [url = "", hallsArg = "1", durableArg = "on"] = process.argv.slice(2);
const hallCount = Number(hallsArg);
const dir = mkdtempSync(join(tmpdir(), "hallwatch-load-"));
const db = openDatabase(join(dir, "hallwatch.db"));
// As the server runs it: WAL checkpoints on a worker thread, not inside the aggregator's flushes.
const walCheckpointer = new WalCheckpointer(db, { logger: silentLogger() });
walCheckpointer.start();
// Every hall has opening hours, as real halls do, so the rules ask whether the hall is open for every reading of
// a kind watched only while open. Open all day, every day: the answer (watched) is the same at any hour of the run.
const OPEN_ALL_DAY = JSON.stringify({
  timeZone: "Asia/Shanghai",
  weekly: Object.fromEntries(
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [{ open: "00:00", close: "24:00" }]]),
  ),
  exceptions: [],
});
const addHall = db.prepare(
  `INSERT INTO halls (id, name, created_ms, opening_hours_json) VALUES (?, ?, 0, '${OPEN_ALL_DAY}')`,
);
const addAgent = db.prepare(
  "INSERT INTO agents (id, hall_id, secret_hash, created_ms) VALUES (?, ?, 'x', 0)",
);
db.transaction(() => {
  for (let h = 0; h < hallCount; h++) {
    const hallId = hallIdOf(h);
    addHall.run(hallId, `Hall ${h + 1}`);
    addAgent.run(agentIdOf(hallId), hallId);
  }
  addHall.run(PROBE_HALL, "Latency probe");
  addAgent.run(PROBE_AGENT, PROBE_HALL);
})();
const halls = await HallDirectory.open(HallStore.onSqlite(db));
if (hallCount > 0 && halls.openingHours(hallIdOf(0)) === null)
  throw new Error("the bench halls have no opening hours");

const logger = silentLogger();
const baseline = settledMemory();
const aggregator = new Aggregator({
  brokerUrl: url,
  username: "_aggregator",
  password: BENCH_PASSWORD,
  sql: new SqliteEngine(db),
  logger,
  silencePolicy: DEFAULT_SILENCE_POLICY,
  ...(durableArg === "on" ? { ingestLogDir: join(dir, "ingest-log"), clientId: "_aggregator" } : {}),
  // BENCH_CHECKPOINT_MS: how often the ingest log is checkpointed (the aggregator's default otherwise).
  ...(process.env.BENCH_CHECKPOINT_MS
    ? { checkpointIntervalMs: Number(process.env.BENCH_CHECKPOINT_MS) }
    : {}),
  // BENCH_TURN_BUDGET_MS: the ingest's turn budget (the aggregator's default otherwise; a large value turns it off).
  ...(process.env.BENCH_TURN_BUDGET_MS
    ? { ingestTurnBudgetMs: Number(process.env.BENCH_TURN_BUDGET_MS) }
    : {}),
});
const window = new ConsumerWindow();
aggregator.bus.on("telemetry", () => window.hit());
await aggregator.start();
const alerts = new AlertService({
  sql: new SqliteEngine(db),
  aggregator,
  rules: parseRulesConfig({}),
  logger,
  openingHours: (hallId) => halls.openingHours(hallId),
});
// As the server does: the live stream gets alert changes after the ingest turn (AlertChangeQueue).
const alertQueue = new AlertChangeQueue((listener) => alerts.bus.on("alert_changed", listener), logger);
alertQueue.start();
await alerts.start();
let alertsOpened = 0;
let alertChanges = 0;
alerts.bus.on("alert_changed", ({ entry }) => {
  alertChanges += 1;
  if (entry?.action === "opened" || entry?.action === "reopened") alertsOpened += 1;
});
const users = new UserStore(new SqliteEngine(db));
await users.create({
  username: "bench",
  displayName: "Bench",
  password: "bench-password",
  roles: ["admin"],
  halls: ["*"],
});
const { token } = await users.createApiToken("bench", "bench", null);
const api = await buildApi({
  auth: {
    users,
    audit: new AuditLog(new SqliteEngine(db)),
    sessionIdleMs: 3_600_000,
    sessionAbsoluteMs: 3_600_000,
    secureCookies: false,
  },
  aggregator,
  alerts,
  alertChanges: (listener) => alertQueue.on(listener),
  halls,
  metrics: createMetrics(aggregator, null),
  logger,
  version: "bench",
});
await api.listen({ host: "127.0.0.1", port: 0 });
const apiPort = (api.server.address() as { port: number }).port;

function stats() {
  const s = aggregator.stats();
  return {
    ...window.snapshot(),
    devices: aggregator.presence.deviceCount,
    telemetryMessages: s.messagesByType.telemetry ?? 0,
    deadLetters: Object.values(s.deadLettersByReason).reduce((a, b) => a + b, 0),
    lost: s.lostMessages,
    duplicates: s.duplicateMessages,
    alertsOpened,
    alertChanges,
    /** Acknowledged without being in the ingest log; null when it runs without one. */
    messagesUnlogged: s.ingestLog?.messagesUnlogged ?? null,
  };
}

/** The longest single run of the periodic jobs that block the event loop (what an alert waits behind). */
const slowest = { flushMs: 0, alertTickMs: 0, silenceMs: 0 };
function timed<T extends object>(target: T, method: keyof T & string, slot: keyof typeof slowest): void {
  const original = (target[method] as () => unknown).bind(target);
  (target as Record<string, unknown>)[method] = () => {
    const t0 = performance.now();
    try {
      return original();
    } finally {
      slowest[slot] = Math.max(slowest[slot], performance.now() - t0);
    }
  };
}
// The timer's flush (private) is what blocks between messages; its later slices show in the loop delay.
timed(aggregator as unknown as { flushPeriodically(): void }, "flushPeriodically", "flushMs");
timed(alerts, "tick", "alertTickMs");
timed(aggregator.presence, "checkSilence", "silenceMs");

const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
const gcPauses = new GcPauses();
const profiler = new StageProfiler();

serveParent({
  loop_delay_reset: () => {
    loopDelay.reset();
    gcPauses.reset();
    slowest.flushMs = 0;
    slowest.alertTickMs = 0;
    slowest.silenceMs = 0;
    tellParent({ type: "loop_delay_reset" });
  },
  loop_delay: () =>
    tellParent({
      type: "loop_delay",
      maxMs: loopDelay.max / 1e6,
      p99Ms: loopDelay.percentile(99) / 1e6,
      ...slowest,
      gc: gcPauses.figures(),
    }),
  profile_start: async () => {
    await profiler.start(100);
    tellParent({ type: "profile_start" });
  },
  profile_stop: async () => tellParent({ type: "profile_stop", ...(await profiler.stop()) }),
  window: () => {
    window.reset();
    tellParent({ type: "window" });
  },
  stats: () => tellParent({ type: "stats", ...stats() }),
  memory: () =>
    tellParent({
      type: "memory",
      ...settledMemory(),
      baselineRssBytes: baseline.rssBytes,
      baselineHeapUsedBytes: baseline.heapUsedBytes,
    }),
  stop: async () => {
    alertQueue.stop();
    await alerts.stop();
    await api.close();
    await aggregator.stop();
    await walCheckpointer.stop();
    db.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  },
});
tellParent({ type: "ready", apiPort, token });
