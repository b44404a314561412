import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, type WriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InfluxDB } from "influx";
import { MEASUREMENT, RETENTION, TAG } from "../../src/influx/schema.js";
import { openDatabase } from "../../src/store/database.js";
import { HallStore } from "../../src/store/halls.js";
import { freePort } from "../helpers/free-port.js";
import { type Influxd, startInfluxd } from "../helpers/influxd.js";
import { sleep } from "../helpers/wait.js";
import { type DurableMosquitto, startDurableMosquitto } from "./durable-mosquitto.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const AGGREGATOR_PASSWORD = "chaos-aggregator-secret";
export const HALL = "chaos-hall";
const DATABASE = "hallwatch_chaos";

interface AgentProcess {
  agentId: string;
  child: ChildProcess;
  output: string;
}

/**
 * Hallwatch (src/main.ts) in a child process against a real Mosquitto and a real influxd, with agents in
 * child processes that print every telemetry message they generate. Everything can be killed and restarted.
 */
export class ChaosHarness {
  readonly dir = mkdtempSync(join(tmpdir(), "hallwatch-chaos-"));
  readonly dataDir = join(this.dir, "hallwatch");
  influxd!: Influxd;
  broker!: DurableMosquitto;
  influx!: InfluxDB;
  private aggregator: ChildProcess | null = null;
  private httpPort = 0;
  private readonly agents: AgentProcess[] = [];
  /** deviceId → tsMs of every telemetry message generated. */
  readonly generated = new Map<string, Set<number>>();
  private log!: WriteStream;
  aggregatorStarts = 0;
  /** What happened when (for the failure message). */
  readonly timeline: string[] = [];

  constructor(
    private readonly agentIds: string[],
    private readonly devicesPerAgent: number,
    private readonly jammedDevice?: string,
  ) {}

  async setUp(): Promise<void> {
    mkdirSync(this.dataDir, { recursive: true });
    this.log = createWriteStream(join(this.dir, "aggregator.log"));
    const users: Record<string, string> = { _aggregator: AGGREGATOR_PASSWORD };
    for (const id of this.agentIds) users[id] = `${id}-secret`;
    [this.influxd, this.broker] = await Promise.all([startInfluxd(), startDurableMosquitto(users)]);
    this.influx = new InfluxDB({ host: "127.0.0.1", port: this.influxd.port, database: DATABASE });
    const db = openDatabase(join(this.dataDir, "hallwatch.db"));
    await HallStore.onSqlite(db).upsert({ id: HALL, name: "Chaos hall" });
    const stmt = db.prepare(
      "INSERT OR IGNORE INTO agents (id, hall_id, secret_hash, created_ms) VALUES (?, ?, 'unused', ?)",
    );
    for (const id of this.agentIds) stmt.run(id, HALL, Date.now());
    db.close();
    this.httpPort = await freePort();
  }

  get logFile(): string {
    return join(this.dir, "aggregator.log");
  }

  /** Starts Hallwatch and waits until its API answers. */
  note(what: string): void {
    this.timeline.push(`${Date.now()} ${what}`);
  }

  async startAggregator(): Promise<void> {
    this.aggregatorStarts += 1;
    this.note("aggregator starting");
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/main.ts")], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        HALLWATCH_DATA_DIR: this.dataDir,
        HALLWATCH_HTTP_HOST: "127.0.0.1",
        HALLWATCH_HTTP_PORT: String(this.httpPort),
        HALLWATCH_MQTT_URL: this.broker.url,
        HALLWATCH_MQTT_USERNAME: "_aggregator",
        HALLWATCH_MQTT_PASSWORD: AGGREGATOR_PASSWORD,
        HALLWATCH_INFLUX_URL: this.influxd.url,
        HALLWATCH_INFLUX_DATABASE: DATABASE,
        HALLWATCH_DEMO: "0",
        HALLWATCH_ADMIN_PASSWORD: "Chaos-admin-pass-7731",
        HALLWATCH_LOG_LEVEL: "info",
      },
    });
    this.aggregator = child;
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`Hallwatch exited (${child.exitCode}); see ${this.logFile}`);
      if (Date.now() > deadline) throw new Error(`Hallwatch did not start; see ${this.logFile}`);
      try {
        const res = await fetch(`http://127.0.0.1:${this.httpPort}/api/health`, {
          signal: AbortSignal.timeout(1000),
        });
        if (res.status < 500) {
          this.note("aggregator up");
          return;
        }
      } catch {
        // not up yet
      }
      await sleep(200);
    }
  }

  async killAggregator(): Promise<void> {
    const child = this.aggregator;
    this.aggregator = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    this.note("aggregator killed");
  }

  async stopAggregator(): Promise<void> {
    const child = this.aggregator;
    this.aggregator = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }

  startAgents(): void {
    for (const agentId of this.agentIds) {
      const args = {
        brokerUrl: this.broker.url,
        hallId: HALL,
        agentId,
        password: `${agentId}-secret`,
        stateDir: join(this.dir, "agents", agentId),
        devices: this.devicesPerAgent,
        ...(this.jammedDevice ? { jammedDevice: this.jammedDevice } : {}),
      };
      const child = spawn(
        process.execPath,
        ["--import", "tsx", join(ROOT, "test/chaos/agent-child.ts"), JSON.stringify(args)],
        { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] },
      );
      const proc: AgentProcess = { agentId, child, output: "" };
      let partial = "";
      child.stdout?.setEncoding("utf8");
      child.stdout?.on("data", (chunk: string) => {
        const lines = (partial + chunk).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) {
          const [word, deviceId, tsMs] = line.split(" ");
          if (word === "gen" && deviceId && tsMs) {
            const set = this.generated.get(deviceId) ?? new Set<number>();
            set.add(Number(tsMs));
            this.generated.set(deviceId, set);
          } else proc.output += `${line}\n`;
        }
      });
      this.agents.push(proc);
    }
  }

  get generatedCount(): number {
    let n = 0;
    for (const set of this.generated.values()) n += set.size;
    return n;
  }

  /** Tells every agent to stop generating and waits until each has delivered all it spooled. */
  async drainAgents(timeoutMs: number): Promise<void> {
    for (const a of this.agents) a.child.stdin?.write("stop\n");
    const deadline = Date.now() + timeoutMs;
    while (!this.agents.every((a) => a.output.includes("drained"))) {
      if (Date.now() > deadline) {
        const waiting = this.agents.filter((a) => !a.output.includes("drained")).map((a) => a.agentId);
        throw new Error(`agents did not drain their spools: ${waiting.join(", ")}`);
      }
      await sleep(200);
    }
  }

  /** deviceId → tsMs of every telemetry point stored in InfluxDB, and how many rows came back. */
  async stored(): Promise<{ byDevice: Map<string, number[]>; rows: number }> {
    const rows = await this.influx.query<{ time: Date; device: string }>(
      `SELECT "cpuPct", "${TAG.device}" FROM "${DATABASE}"."${RETENTION.raw}"."${MEASUREMENT.telemetry}"`,
    );
    const byDevice = new Map<string, number[]>();
    for (const row of rows) {
      const list = byDevice.get(row.device) ?? [];
      list.push(new Date(row.time).getTime());
      byDevice.set(row.device, list);
    }
    return { byDevice, rows: rows.length };
  }

  /** Polls InfluxDB until it holds as many telemetry points as were generated (or the time is up). */
  async waitForStored(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      try {
        if ((await this.stored()).rows >= this.generatedCount) return;
      } catch {
        // influxd restarting or the database not created yet
      }
      await sleep(500);
    }
  }

  /** What was generated but is not stored, and what is stored more than once or was never generated. */
  async compare(): Promise<{ missing: string[]; extra: string[]; duplicated: number }> {
    const { byDevice } = await this.stored();
    const missing: string[] = [];
    const extra: string[] = [];
    let duplicated = 0;
    for (const [deviceId, times] of this.generated) {
      const stored = byDevice.get(deviceId) ?? [];
      const storedSet = new Set(stored);
      duplicated += stored.length - storedSet.size;
      for (const t of times) if (!storedSet.has(t)) missing.push(`${deviceId}@${t}`);
      for (const t of storedSet) if (!times.has(t)) extra.push(`${deviceId}@${t}`);
    }
    return { missing, extra, duplicated };
  }

  /** Every alert Hallwatch stored (read from its SQLite file while it runs, WAL mode allows it). */
  alerts(): { device_id: string | null; fault_type: string; status: string; count: number }[] {
    const db = openDatabase(join(this.dataDir, "hallwatch.db"));
    try {
      return db
        .prepare("SELECT device_id, fault_type, status, count FROM alerts ORDER BY opened_ms")
        .all() as { device_id: string | null; fault_type: string; status: string; count: number }[];
    } finally {
      db.close();
    }
  }

  /** Dead letters by reason, and the first few (for failure messages). */
  deadLetters(): string[] {
    const db = openDatabase(join(this.dataDir, "hallwatch.db"));
    try {
      const rows = db
        .prepare("SELECT reason, topic, detail, received_ms FROM dead_letters ORDER BY id LIMIT 20")
        .all() as { reason: string; topic: string; detail: string; received_ms: number }[];
      return rows.map((r) => `${r.received_ms} ${r.reason} ${r.topic} ${r.detail}`);
    } finally {
      db.close();
    }
  }

  /** Device state points in InfluxDB saying a device went offline. */
  async offlineTransitions(): Promise<string[]> {
    const rows = await this.influx.query<{ time: Date; device: string; reason: string }>(
      `SELECT "connectivity", "reason", "${TAG.device}" FROM "${DATABASE}"."${RETENTION.raw}"."${MEASUREMENT.deviceState}" WHERE "connectivity" = 'offline'`,
    );
    return rows.map((r) => `${r.device} ${r.reason} @${new Date(r.time).getTime()}`);
  }

  async tearDown(): Promise<void> {
    for (const a of this.agents) a.child.kill("SIGKILL");
    await this.killAggregator();
    await this.broker?.stop();
    await this.influxd?.stop();
    this.log?.end();
    if (!process.env.HALLWATCH_KEEP_CHAOS) rmSync(this.dir, { recursive: true, force: true });
  }
}
