// What breaks a node on PostgreSQL, tried from outside: the database goes away while faults happen, then comes
// back; then the node itself is killed with SIGKILL. The fault raised during the outage is alerted once and
// reaches PostgreSQL once the database is back, health says so meanwhile, the node holds its one-node lock again,
// and after the SIGKILL the restarted node carries the same alert on, never a second one.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearerToken } from "../helpers/auth.js";
import { requireInCi } from "../helpers/external-servers.js";
import { advisoryLockHolders, HallwatchProcess, pgQuery } from "../helpers/hallwatch-process.js";
import { PG_BIN, type PostgresServer, startPostgres } from "../helpers/postgres.js";
import { waitFor } from "../helpers/wait.js";

const run = requireInCi(PG_BIN, "PostgreSQL");
const ADMIN_PASSWORD = "Admin-Password-4711";

describe.skipIf(!run)("a node on PostgreSQL when the database goes away, and when the node is killed", () => {
  let database: PostgresServer;
  let url: string;
  let node: HallwatchProcess;
  const dataDir = mkdtempSync(join(tmpdir(), "hallwatch-pg-outage-"));

  beforeAll(async () => {
    database = await startPostgres();
    url = await database.createDatabase("outage");
    node = await HallwatchProcess.onPostgres({
      databaseUrl: url,
      dataDir,
      nodeId: "node-a",
      adminPassword: ADMIN_PASSWORD,
    });
  }, 60_000);
  afterAll(async () => {
    await node?.stop("SIGKILL");
    await database?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const openJamAlerts = () =>
    pgQuery<{ id: string }>(
      url,
      "SELECT id FROM alerts WHERE device_id = 'kiosk-1' AND fault_type = 'printer_jam' AND status != 'resolved'",
    );
  const health = async () => {
    if (node.exitCode !== null) throw new Error(`the server exited ${node.exitCode}: ${node.output}`);
    return (await (await fetch(`${node.httpUrl}/api/health`)).json()) as {
      checks: Record<string, { status: string; detail: string }>;
    };
  };

  it("alerts a fault during a database outage, stores it when the database returns, and keeps it across SIGKILL", async () => {
    await node.start();
    const token = await bearerToken(node.httpUrl, "admin", ADMIN_PASSWORD);
    await waitFor(async () => {
      const response = await fetch(`${node.httpUrl}/api/devices/demo-hall/kiosk-1`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return ((await response.json()) as { connectivity?: string }).connectivity === "online";
    }, "kiosk-1 online");

    await database.kill();
    await waitFor(
      async () => {
        const store = (await health()).checks.store;
        return store?.status !== "ok" && /database unreachable/.test(store?.detail ?? "");
      },
      "health says the database is failing",
      30_000,
    );
    expect(await node.injectFault("demo-hall", "kiosk-1", "paper_jam")).toBe(200);

    await database.restart();
    await waitFor(
      async () => (await openJamAlerts()).length === 1,
      "the alert stored once the database is back",
      60_000,
    );
    await waitFor(
      async () => (await fetch(`${node.httpUrl}/api/health`)).status === 200,
      "healthy again",
      60_000,
    );
    const [alert] = await openJamAlerts();
    // The one-node lock ended with the killed database's connections: the node takes it again, so a second node
    // started now is still refused.
    await waitFor(
      async () => (await advisoryLockHolders(url)).includes("hallwatch-lock-node-a"),
      "the lock held again",
      20_000,
    );
    const secondDir = mkdtempSync(join(tmpdir(), "hallwatch-pg-outage-2-"));
    try {
      const second = node.runAnotherNode("node-b", secondDir);
      expect(second.status).toBe(2);
      expect(second.stderr).toMatch(/another Hallwatch node \(node-a\)/);
    } finally {
      rmSync(secondDir, { recursive: true, force: true });
    }

    await node.stop("SIGKILL");
    await node.start();
    const again = await bearerToken(node.httpUrl, "admin", ADMIN_PASSWORD);
    // The same alert, carried on from PostgreSQL (the restarted demo hall no longer has the jam, so it may resolve
    // it), never a second one.
    const carried = await fetch(`${node.httpUrl}/api/alerts/${alert?.id}`, {
      headers: { authorization: `Bearer ${again}` },
    });
    expect(carried.status).toBe(200);
    const jams = await pgQuery<{ id: string }>(
      url,
      "SELECT id FROM alerts WHERE device_id = 'kiosk-1' AND fault_type = 'printer_jam'",
    );
    expect(jams).toEqual([alert]);
  }, 300_000);
});
