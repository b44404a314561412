// An operator sets HALLWATCH_DATABASE_URL (docs/scale-out.md) and runs `npm start` as the README says: the server,
// its embedded broker and the demo hall run with PostgreSQL as the only system of record. Everything is checked
// from outside: the HTTP API as the admin, and the database itself; no SQLite file appears; a fault injected in
// the demo hall is alerted once, stored in PostgreSQL, and still open, once, after a restart.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
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

describe.skipIf(!run)("the server on PostgreSQL (HALLWATCH_DATABASE_URL)", () => {
  let database: PostgresServer;
  let url: string;
  let env: Record<string, string>;
  let httpUrl: string;
  let controlUrl: string;
  let child: ChildProcess | null = null;
  let output = "";
  const dataDir = mkdtempSync(join(tmpdir(), "hallwatch-on-pg-"));

  const startServer = async () => {
    output = "";
    const proc = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = proc;
    proc.stdout?.on("data", (c) => (output = (output + String(c)).slice(-8000)));
    proc.stderr?.on("data", (c) => (output = (output + String(c)).slice(-8000)));
    await waitFor(
      async () => {
        if (proc.exitCode !== null) throw new Error(`the server exited ${proc.exitCode}: ${output}`);
        const response = await fetch(`${httpUrl}/api/health`).catch(() => null);
        return response?.status === 200;
      },
      "the server healthy",
      60_000,
    );
  };
  const stopServer = async () => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return proc?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
    proc.kill("SIGTERM");
    return await exited;
  };
  const query = async <T extends object>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    database = await startPostgres();
    url = await database.createDatabase("server");
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
    await stopServer();
    await database?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("runs the demo hall on PostgreSQL alone, alerts a fault once, refuses a second node, and keeps the alert across a restart", async () => {
    await startServer();
    const token = await bearerToken(httpUrl, "admin", ADMIN_PASSWORD);
    const api = async (path: string) => {
      const response = await fetch(`${httpUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
      return (await response.json()) as any;
    };
    await waitFor(
      async () => (await api("/api/devices/demo-hall/kiosk-1")).connectivity === "online",
      "kiosk-1 online",
    );
    await waitFor(
      async () =>
        (await query("SELECT 1 FROM devices WHERE hall_id = 'demo-hall' AND device_id = 'kiosk-1'"))
          .length === 1,
      "kiosk-1 stored in PostgreSQL",
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
    const jamAlerts = async () =>
      ((await api("/api/alerts?status=active&hallId=demo-hall")).items as any[]).filter(
        (a) => a.deviceId === "kiosk-1" && a.faultType === "printer_jam",
      );
    await waitFor(async () => (await jamAlerts()).length === 1, "the jam alerted");
    const [alert] = await jamAlerts();
    await waitFor(
      async () =>
        (await query("SELECT id FROM alerts WHERE id = $1 AND status != 'resolved'", [alert.id])).length ===
        1,
      "the alert stored in PostgreSQL",
    );
    expect(existsSync(join(dataDir, "hallwatch.db"))).toBe(false);

    // A second node on the same database is refused, naming the first: it would raise every alert again.
    const secondDir = mkdtempSync(join(tmpdir(), "hallwatch-on-pg-2-"));
    try {
      const second = spawnSync(process.execPath, ["--import", "tsx", "src/main.ts"], {
        env: {
          ...env,
          HALLWATCH_DATA_DIR: secondDir,
          HALLWATCH_NODE_ID: "node-b",
          HALLWATCH_HTTP_PORT: "0",
          HALLWATCH_MQTT_PORT: "0",
          HALLWATCH_SIM_CONTROL_PORT: "0",
        },
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(second.status).toBe(2);
      expect(second.stderr).toMatch(/another Hallwatch node \(node-a\) is running on this database/);
    } finally {
      rmSync(secondDir, { recursive: true, force: true });
    }

    expect(await stopServer()).toBe(0);
    await startServer();
    const again = await bearerToken(httpUrl, "admin", ADMIN_PASSWORD);
    const active = await fetch(`${httpUrl}/api/alerts?status=active&hallId=demo-hall`, {
      headers: { authorization: `Bearer ${again}` },
    }).then((r) => r.json() as Promise<{ items: any[] }>);
    expect(
      active.items.filter((a) => a.deviceId === "kiosk-1" && a.faultType === "printer_jam").map((a) => a.id),
    ).toEqual([alert.id]);
    const open = await query<{ n: string }>(
      "SELECT count(*) AS n FROM alerts WHERE device_id = 'kiosk-1' AND fault_type = 'printer_jam' AND status != 'resolved'",
    );
    expect(Number(open[0]?.n)).toBe(1);
    expect(existsSync(join(dataDir, "hallwatch.db"))).toBe(false);
  }, 240_000);
});
