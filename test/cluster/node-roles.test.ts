// HALLWATCH_ROLES split what nodes do (docs/scale-out.md, "Roles"): an API node owns no hall and serves the console
// and API for every hall; an ingest + jobs node owns every hall, sends the notices and answers only health and
// metrics over HTTP (and the other nodes' forwarded alert actions). Checked from outside: the database's leases,
// each node's HTTP answers, and a webhook receiver that must get each notice once, from a jobs node.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "../../agents/runtime/agent.js";
import { silentLogger } from "../../src/logging.js";
import { HallStore } from "../../src/store/halls.js";
import { PostgresEngine } from "../../src/store/sql/postgres-engine.js";
import { migratePostgres } from "../../src/store/sql/postgres-migrations.js";
import { bearerToken } from "../helpers/auth.js";
import { startClusterBroker } from "../helpers/cluster-broker.js";
import { requireInCi } from "../helpers/external-servers.js";
import { HallwatchProcess, pgQuery } from "../helpers/hallwatch-process.js";
import { MOSQUITTO } from "../helpers/mosquitto-process.js";
import { PG_BIN, type PostgresServer, startPostgres } from "../helpers/postgres.js";
import { waitFor } from "../helpers/wait.js";
import { startHttpReceivers, WEBHOOK_SECRET } from "../notify/receivers.js";

const run = requireInCi(PG_BIN, "PostgreSQL") && requireInCi(MOSQUITTO, "Mosquitto");
const HALLS = ["east", "west"];
const PASSWORD = "node-password-0123";
const ADMIN_PASSWORD = "Admin-Password-4711";

describe.skipIf(!run)("node roles (HALLWATCH_ROLES)", () => {
  const dir = mkdtempSync(join(tmpdir(), "hallwatch-roles-"));
  let database: PostgresServer;
  let url: string;
  let broker: Awaited<ReturnType<typeof startClusterBroker>>;
  let receivers: Awaited<ReturnType<typeof startHttpReceivers>>;
  let api: HallwatchProcess;
  let worker: HallwatchProcess;
  const agents: Agent[] = [];
  let jammed = false;

  beforeAll(async () => {
    database = await startPostgres();
    url = await database.createDatabase("roles");
    const engine = new PostgresEngine({ connectionString: url });
    await migratePostgres(engine);
    for (const hallId of HALLS) {
      await new HallStore(engine).upsert({ id: hallId, name: hallId });
      await engine.run(
        "INSERT INTO agents (id, hall_id, secret_hash, created_ms) VALUES (?, ?, 'broker', ?)",
        [`${hallId}-agent`, hallId, Date.now()],
      );
    }
    await engine.close();
    broker = await startClusterBroker(
      ["_api", "_worker"],
      HALLS.map((h) => `${h}-agent`),
      PASSWORD,
    );
    const brokerUrl = broker.url;
    const configFile = join(dir, "hallwatch.json");
    writeFileSync(configFile, JSON.stringify({ notify: { groupWindowMs: 0 } }));
    const secretKey = randomBytes(32).toString("base64");
    const node = async (nodeId: string, roles: string) => {
      mkdirSync(join(dir, nodeId));
      const n = await HallwatchProcess.sharedNode({
        databaseUrl: url,
        brokerUrl,
        mqttUsername: `_${nodeId}`,
        mqttPassword: PASSWORD,
        dataDir: join(dir, nodeId),
        nodeId,
        adminPassword: ADMIN_PASSWORD,
        secretKey,
        configFile,
      });
      n.env.HALLWATCH_ROLES = roles;
      return n;
    };
    api = await node("api", "api");
    worker = await node("worker", "ingest,jobs");
    await api.start();
    await worker.start();
    receivers = await startHttpReceivers();
    for (const hallId of HALLS) {
      const agent = new Agent({
        brokerUrl,
        hallId,
        agentId: `${hallId}-agent`,
        password: PASSWORD,
        stateDir: join(dir, "agents", hallId),
        drivers: [
          {
            spec: { id: "kiosk-1", kind: "kiosk", model: "K", zone: "z", reportIntervalSec: 2 },
            read: () => ({
              appOk: true,
              printerState: jammed && hallId === "east" ? "jam" : "ok",
              paperPct: 80,
              cpuPct: 10,
              memPct: 40,
              diskPct: 50,
            }),
          },
        ],
        sampleIntervalMs: 250,
        reconnect: { initialDelayMs: 200, maxDelayMs: 2_000 },
        logger: silentLogger(),
      });
      agents.push(agent);
      agent.start();
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop().catch(() => undefined)));
    await api?.stop("SIGKILL");
    await worker?.stop("SIGKILL");
    await broker?.stop();
    await receivers?.close();
    await database?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("own halls only on ingest nodes, serve the API only on API nodes, and notify once", async () => {
    const leases = await waitFor(
      async () => {
        const rows = await pgQuery<{ hall_id: string; owner_node: string }>(
          url,
          "SELECT hall_id, owner_node FROM hall_leases WHERE expires_ms > hallwatch_now_ms() ORDER BY hall_id",
        );
        return rows.length === HALLS.length ? rows : null;
      },
      "both halls owned",
      30_000,
    );
    expect(leases.map((l) => l.owner_node)).toEqual(["worker", "worker"]);

    // The worker answers health and metrics only.
    expect((await fetch(`${worker.httpUrl}/api/health`)).status).toBe(200);
    // Metrics are answered (to an authorised scraper: without a token, 401, not the roles' 404).
    expect((await fetch(`${worker.httpUrl}/metrics`)).status).toBe(401);
    const refused = await fetch(`${worker.httpUrl}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: ADMIN_PASSWORD }),
    });
    expect(refused.status).toBe(404);
    expect(await refused.text()).toContain("HALLWATCH_ROLES");
    expect((await fetch(`${worker.httpUrl}/`)).status).toBe(404);

    // The API node shows every hall's devices, none of which it owns.
    const token = await bearerToken(api.httpUrl, "admin", ADMIN_PASSWORD);
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    await waitFor(
      async () => {
        const { items } = (await (await fetch(`${api.httpUrl}/api/devices`, { headers })).json()) as {
          items: { connectivity: string }[];
        };
        return items.filter((d) => d.connectivity === "online").length === 2 || null;
      },
      "both kiosks online on the API node",
      20_000,
    );

    // Renaming a device is done by its hall's owner; the API node says so rather than "no device".
    const rename = await fetch(`${api.httpUrl}/api/devices/east/kiosk-1`, {
      method: "PUT",
      headers,
      body: JSON.stringify({ name: "front kiosk" }),
    });
    expect(rename.status).toBe(409);
    expect(await rename.text()).toContain("another node");

    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${api.httpUrl}${path}`, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
      });
      expect(response.status, await response.clone().text()).toBe(200);
      return (await response.json()) as { id: string };
    };
    const channel = await post("/api/notify/channels", {
      name: "ops hook",
      language: "en",
      config: { type: "webhook", url: `${receivers.base}/webhook`, secret: WEBHOOK_SECRET },
    });
    await post("/api/notify/rules", {
      name: "every jam",
      roles: ["floor_staff"],
      minSeverity: "major",
      actions: ["opened"],
      channelIds: [channel.id],
    });
    jammed = true;
    await waitFor(() => receivers.at("/webhook").length > 0 || null, "the jam notified", 20_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(receivers.at("/webhook")).toHaveLength(1);
  }, 120_000);
});
