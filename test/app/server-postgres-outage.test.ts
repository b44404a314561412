// What breaks a node on PostgreSQL, tried from outside: the database goes away while faults happen, then comes
// back; then the node itself is killed with SIGKILL. The fault raised during the outage is alerted once and
// reaches PostgreSQL once the database is back, health says so meanwhile, and after the SIGKILL the restarted
// node has the alert, open, once.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearerToken } from "../helpers/auth.js";
import { requireInCi } from "../helpers/external-servers.js";
import { freePort } from "../helpers/free-port.js";
import { PG_BIN, type PostgresServer, startPostgres } from "../helpers/postgres.js";
import { waitFor } from "../helpers/wait.js";

const run = requireInCi(PG_BIN, "PostgreSQL");
const ADMIN_PASSWORD = "Admin-Password-4711";

describe.skipIf(!run)("a node on PostgreSQL when the database goes away, and when the node is killed", () => {
  let database: PostgresServer;
  let url: string;
  let env: Record<string, string>;
  let httpUrl: string;
  let controlUrl: string;
  let child: ChildProcess | null = null;
  let output = "";
  const dataDir = mkdtempSync(join(tmpdir(), "hallwatch-pg-outage-"));

  const startServer = async () => {
    output = "";
    const proc = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = proc;
    proc.stdout?.on("data", (c) => (output = (output + String(c)).slice(-400000)));
    proc.stderr?.on("data", (c) => (output = (output + String(c)).slice(-400000)));
    await waitFor(
      async () => {
        if (proc.exitCode !== null) throw new Error(`the server exited ${proc.exitCode}: ${output}`);
        // The API answers while the demo hall is still being set up: started is when the banner is printed.
        if (!output.includes("Hallwatch is running.")) return false;
        return (await fetch(`${httpUrl}/api/health`).catch(() => null))?.status === 200;
      },
      "the server started and healthy",
      60_000,
    );
  };
  const killServer = async () => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once("exit", resolve));
    proc.kill("SIGKILL");
    await exited;
  };
  const openJamAlerts = async (): Promise<{ id: string }[]> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const result = await client.query<{ id: string }>(
        "SELECT id FROM alerts WHERE device_id = 'kiosk-1' AND fault_type = 'printer_jam' AND status != 'resolved'",
      );
      return result.rows;
    } finally {
      await client.end();
    }
  };
  const lockHolders = async (): Promise<string[]> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const result = await client.query<{ application_name: string }>(
        `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.granted`,
      );
      return result.rows.map((r) => r.application_name);
    } finally {
      await client.end();
    }
  };
  const health = async () => {
    if (child?.exitCode !== null) throw new Error(`the server exited ${child?.exitCode}: ${output}`);
    return (await (await fetch(`${httpUrl}/api/health`)).json()) as any;
  };

  beforeAll(async () => {
    database = await startPostgres();
    url = await database.createDatabase("outage");
    const [httpPort, mqttPort, controlPort] = [await freePort(), await freePort(), await freePort()];
    httpUrl = `http://127.0.0.1:${httpPort}`;
    controlUrl = `http://127.0.0.1:${controlPort}`;
    env = {
      ...(process.env as Record<string, string>),
      HALLWATCH_DATA_DIR: dataDir,
      HALLWATCH_DATABASE_URL: url,
      HALLWATCH_NODE_ID: "node-a",
      HALLWATCH_HTTP_PORT: String(httpPort),
      HALLWATCH_MQTT_PORT: String(mqttPort),
      HALLWATCH_MQTT_HOST: "127.0.0.1",
      HALLWATCH_SIM_CONTROL_PORT: String(controlPort),
      HALLWATCH_ADMIN_PASSWORD: ADMIN_PASSWORD,
      HALLWATCH_LOG_LEVEL: "warn",
    };
  }, 60_000);
  afterAll(async () => {
    await killServer();
    await database?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("alerts a fault during a database outage, stores it when the database returns, and keeps it across SIGKILL", async () => {
    await startServer();
    const token = await bearerToken(httpUrl, "admin", ADMIN_PASSWORD);
    const api = async (path: string) =>
      (await (
        await fetch(`${httpUrl}${path}`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as any;
    await waitFor(
      async () => (await api("/api/devices/demo-hall/kiosk-1")).connectivity === "online",
      "kiosk-1 online",
    );

    await database.kill();
    await waitFor(
      async () => {
        const store = (await health()).checks.store as { status: string; detail: string };
        return store.status !== "ok" && /database unreachable/.test(store.detail);
      },
      "health says the database is failing",
      30_000,
    );
    const injected = await fetch(`${controlUrl}/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        hallId: "demo-hall",
        deviceId: "kiosk-1",
        fault: "paper_jam",
        action: "inject",
      }),
    });
    expect(injected.status).toBe(200);

    await database.restart();
    await waitFor(
      async () => (await openJamAlerts()).length === 1,
      "the alert stored once the database is back",
      60_000,
    );
    await waitFor(async () => (await fetch(`${httpUrl}/api/health`)).status === 200, "healthy again", 60_000);
    const [alert] = await openJamAlerts();
    // The one-node lock ended with the killed database's connections: the node takes it again, so a second node
    // started now is still refused.
    await waitFor(
      async () => (await lockHolders()).includes("hallwatch-lock-node-a"),
      "the lock held again",
      20_000,
    );
    const second = spawnSync(process.execPath, ["--import", "tsx", "src/main.ts"], {
      env: {
        ...env,
        HALLWATCH_NODE_ID: "node-b",
        HALLWATCH_HTTP_PORT: "0",
        HALLWATCH_MQTT_PORT: "0",
        HALLWATCH_SIM_CONTROL_PORT: "0",
      },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(second.status).toBe(2);
    expect(second.stderr).toMatch(/another Hallwatch node \(node-a\)/);

    await killServer();
    await startServer();
    const again = await bearerToken(httpUrl, "admin", ADMIN_PASSWORD);
    const active = (await (
      await fetch(`${httpUrl}/api/alerts?status=active&hallId=demo-hall`, {
        headers: { authorization: `Bearer ${again}` },
      })
    ).json()) as { items: { id: string; deviceId: string; faultType: string }[] };
    expect(
      active.items.filter((a) => a.deviceId === "kiosk-1" && a.faultType === "printer_jam").map((a) => a.id),
    ).toEqual([alert?.id]);
    expect(await openJamAlerts()).toEqual([alert]);
  }, 300_000);
});
