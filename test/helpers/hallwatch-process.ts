import { type ChildProcess, type SpawnSyncReturns, spawn, spawnSync } from "node:child_process";
import pg from "pg";
import { freePort } from "./free-port.js";
import { waitFor } from "./wait.js";

export interface ExternalBrokerOptions {
  brokerUrl: string;
  mqttUsername: string;
  mqttPassword: string;
  dataDir: string;
  adminPassword: string;
  secretKey: string;
}

/** `npm start` as an operator runs it (node --import tsx src/main.ts), on a PostgreSQL database, with the demo hall. */
export class HallwatchProcess {
  output = "";
  private child: ChildProcess | null = null;

  private constructor(
    readonly env: Record<string, string>,
    readonly httpUrl: string,
    readonly controlUrl: string,
  ) {}

  /** A node on `databaseUrl` with its own data directory and free loopback ports; started by start(). */
  static async onPostgres(options: {
    databaseUrl: string;
    dataDir: string;
    nodeId: string;
    adminPassword: string;
  }): Promise<HallwatchProcess> {
    const [httpPort, mqttPort, controlPort] = [await freePort(), await freePort(), await freePort()];
    return new HallwatchProcess(
      {
        ...(process.env as Record<string, string>),
        HALLWATCH_DATA_DIR: options.dataDir,
        HALLWATCH_DATABASE_URL: options.databaseUrl,
        HALLWATCH_NODE_ID: options.nodeId,
        HALLWATCH_HTTP_PORT: String(httpPort),
        HALLWATCH_MQTT_PORT: String(mqttPort),
        HALLWATCH_MQTT_HOST: "127.0.0.1",
        HALLWATCH_SIM_CONTROL_PORT: String(controlPort),
        HALLWATCH_ADMIN_PASSWORD: options.adminPassword,
        HALLWATCH_LOG_LEVEL: "warn",
      },
      `http://127.0.0.1:${httpPort}`,
      `http://127.0.0.1:${controlPort}`,
    );
  }

  /**
   * A node sharing the halls (HALLWATCH_CLUSTER=shared) on `databaseUrl` and an external broker, without the demo
   * hall; started by start().
   */
  static async sharedNode(
    options: ExternalBrokerOptions & { databaseUrl: string; nodeId: string; configFile?: string },
  ): Promise<HallwatchProcess> {
    return HallwatchProcess.onExternalBroker(options, {
      HALLWATCH_CLUSTER: "shared",
      HALLWATCH_DATABASE_URL: options.databaseUrl,
      HALLWATCH_NODE_ID: options.nodeId,
      ...(options.configFile ? { HALLWATCH_CONFIG: options.configFile } : {}),
    });
  }

  /**
   * A node on an external broker instead of its embedded one, without the demo hall; started by start(). Without
   * more `env`, a single node on SQLite (no HALLWATCH_DATABASE_URL, no HALLWATCH_CLUSTER).
   */
  static async onExternalBroker(
    options: ExternalBrokerOptions,
    env: Record<string, string> = {},
  ): Promise<HallwatchProcess> {
    const httpPort = await freePort();
    return new HallwatchProcess(
      {
        ...(process.env as Record<string, string>),
        HALLWATCH_DATA_DIR: options.dataDir,
        HALLWATCH_HTTP_HOST: "127.0.0.1",
        HALLWATCH_HTTP_PORT: String(httpPort),
        HALLWATCH_MQTT_URL: options.brokerUrl,
        HALLWATCH_MQTT_USERNAME: options.mqttUsername,
        HALLWATCH_MQTT_PASSWORD: options.mqttPassword,
        HALLWATCH_DEMO: "0",
        HALLWATCH_SECRET_KEY: options.secretKey,
        HALLWATCH_ADMIN_PASSWORD: options.adminPassword,
        HALLWATCH_LOG_LEVEL: "warn",
        ...env,
      },
      `http://127.0.0.1:${httpPort}`,
      "",
    );
  }

  /** The running node process's id (for its CPU in /proc), null when stopped. */
  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** Signals the running process (SIGSTOP to pause it, SIGCONT to resume it). */
  signal(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  get exitCode(): number | null {
    return this.child?.exitCode ?? null;
  }

  /** Resolves once the banner is printed (the API answers earlier, while the demo hall is set up) and healthy. */
  async start(): Promise<void> {
    this.output = "";
    const proc = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      env: this.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = proc;
    const keep = (chunk: unknown) => {
      this.output = (this.output + String(chunk)).slice(-400_000);
    };
    proc.stdout?.on("data", keep);
    proc.stderr?.on("data", keep);
    await waitFor(
      async () => {
        if (proc.exitCode !== null) throw new Error(`the server exited ${proc.exitCode}: ${this.output}`);
        if (!this.output.includes("Hallwatch is running.")) return false;
        return (await fetch(`${this.httpUrl}/api/health`).catch(() => null))?.status === 200;
      },
      "the server started and healthy",
      60_000,
    );
  }

  /** SIGTERM (a clean stop) or SIGKILL (a crash); resolves with the exit code (null when killed). */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    const proc = this.child;
    this.child = null;
    if (!proc || proc.exitCode !== null) return proc?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
    proc.kill(signal);
    return await exited;
  }

  /** Another node on the same database, run to its end (it is expected to refuse to start). */
  runAnotherNode(nodeId: string, dataDir: string): SpawnSyncReturns<string> {
    return spawnSync(process.execPath, ["--import", "tsx", "src/main.ts"], {
      env: {
        ...this.env,
        HALLWATCH_DATA_DIR: dataDir,
        HALLWATCH_NODE_ID: nodeId,
        HALLWATCH_HTTP_PORT: "0",
        HALLWATCH_MQTT_PORT: "0",
        HALLWATCH_SIM_CONTROL_PORT: "0",
      },
      encoding: "utf8",
      timeout: 60_000,
    });
  }

  async injectFault(hallId: string, deviceId: string, fault: string): Promise<number> {
    const response = await fetch(`${this.controlUrl}/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ hallId, deviceId, fault, action: "inject" }),
    });
    return response.status;
  }
}

/** One query on its own connection. */
export async function pgQuery<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Who holds an advisory lock now, by application name (read without taking it). */
export async function advisoryLockHolders(url: string): Promise<string[]> {
  const rows = await pgQuery<{ application_name: string }>(
    url,
    `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted`,
  );
  return rows.map((r) => r.application_name);
}
