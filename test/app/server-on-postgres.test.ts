// An operator sets HALLWATCH_DATABASE_URL (docs/scale-out.md) and runs `npm start` as the README says: the server,
// its embedded broker and the demo hall run with PostgreSQL as the only system of record. Everything is checked
// from outside: the HTTP API as the admin, and the database itself; no SQLite file appears; a fault injected in
// the demo hall is alerted once, stored in PostgreSQL, and carried on by the restarted node, never raised twice.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearerToken } from "../helpers/auth.js";
import { requireInCi } from "../helpers/external-servers.js";
import { HallwatchProcess, pgQuery } from "../helpers/hallwatch-process.js";
import { PG_BIN, type PostgresServer, startPostgres } from "../helpers/postgres.js";
import { waitFor } from "../helpers/wait.js";

const run = requireInCi(PG_BIN, "PostgreSQL");
const ADMIN_PASSWORD = "Admin-Password-4711";

interface AlertItem {
  id: string;
  deviceId: string;
  faultType: string;
}

describe.skipIf(!run)("the server on PostgreSQL (HALLWATCH_DATABASE_URL)", () => {
  let database: PostgresServer;
  let url: string;
  let node: HallwatchProcess;
  const dataDir = mkdtempSync(join(tmpdir(), "hallwatch-on-pg-"));

  beforeAll(async () => {
    database = await startPostgres();
    url = await database.createDatabase("server");
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

  const jamAlerts = async (token: string): Promise<AlertItem[]> => {
    const response = await fetch(`${node.httpUrl}/api/alerts?status=active&hallId=demo-hall`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const { items } = (await response.json()) as { items: AlertItem[] };
    return items.filter((a) => a.deviceId === "kiosk-1" && a.faultType === "printer_jam");
  };

  it("runs the demo hall on PostgreSQL alone, alerts a fault once, refuses a second node, and carries the alert across a restart", async () => {
    await node.start();
    const token = await bearerToken(node.httpUrl, "admin", ADMIN_PASSWORD);
    await waitFor(async () => {
      const response = await fetch(`${node.httpUrl}/api/devices/demo-hall/kiosk-1`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return ((await response.json()) as { connectivity?: string }).connectivity === "online";
    }, "kiosk-1 online");
    await waitFor(
      async () =>
        (await pgQuery(url, "SELECT 1 FROM devices WHERE hall_id = 'demo-hall' AND device_id = 'kiosk-1'"))
          .length === 1,
      "kiosk-1 stored in PostgreSQL",
    );

    expect(await node.injectFault("demo-hall", "kiosk-1", "paper_jam")).toBe(200);
    await waitFor(async () => (await jamAlerts(token)).length === 1, "the jam alerted");
    const [alert] = await jamAlerts(token);
    await waitFor(
      async () =>
        (await pgQuery(url, "SELECT id FROM alerts WHERE id = $1 AND status != 'resolved'", [alert?.id]))
          .length === 1,
      "the alert stored in PostgreSQL",
    );
    expect(existsSync(join(dataDir, "hallwatch.db"))).toBe(false);

    // A second node on the same database is refused, naming the first: it would raise every alert again.
    const secondDir = mkdtempSync(join(tmpdir(), "hallwatch-on-pg-2-"));
    try {
      const second = node.runAnotherNode("node-b", secondDir);
      expect(second.status).toBe(2);
      expect(second.stderr).toMatch(/another Hallwatch node \(node-a\) is running on this database/);
    } finally {
      rmSync(secondDir, { recursive: true, force: true });
    }

    expect(await node.stop()).toBe(0);
    await node.start();
    const again = await bearerToken(node.httpUrl, "admin", ADMIN_PASSWORD);
    // The restarted node carries the alert on from PostgreSQL (the restarted demo hall no longer has the jam, so it
    // may resolve it): the same alert, never a second one.
    const carried = await fetch(`${node.httpUrl}/api/alerts/${alert?.id}`, {
      headers: { authorization: `Bearer ${again}` },
    });
    expect(carried.status).toBe(200);
    const jams = await pgQuery<{ id: string }>(
      url,
      "SELECT id FROM alerts WHERE device_id = 'kiosk-1' AND fault_type = 'printer_jam'",
    );
    expect(jams).toEqual([{ id: alert?.id }]);
    expect(existsSync(join(dataDir, "hallwatch.db"))).toBe(false);
  }, 240_000);
});
