// Issue 12, "Must show": the server with its data directory and InfluxDB buffer on a small tmpfs that fills up.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BirthDevice, topics } from "../../src/contract/index.js";
import { CredentialStore } from "../../src/store/credentials.js";
import { openDatabase } from "../../src/store/database.js";
import { HallStore } from "../../src/store/halls.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";
import { login } from "../helpers/auth.js";
import { requireInCi } from "../helpers/external-servers.js";
import { freePort } from "../helpers/free-port.js";
import { INFLUXD, type Influxd, startInfluxd } from "../helpers/influxd.js";
import { kioskValues, RawAgent } from "../helpers/raw-agent.js";
import { sleep, waitFor } from "../helpers/wait.js";
import { ServerChild } from "./server-child.js";
import { mountSmallDisk } from "./tmpfs.js";

const HALL = "h1";
const AGENT = "agent-1";
const ADMIN_PASSWORD = "Full-disk-test-admin-7!";
const kiosk = (id: string): BirthDevice => ({
  id,
  kind: "kiosk",
  model: "K100",
  zone: "self-service",
  reportIntervalSec: 1,
});

const disk = requireInCi(INFLUXD, "influxd") ? mountSmallDisk(24) : null;

interface Health {
  status: string;
  checks?: Record<string, { status: string; detail?: string }>;
}

describe.runIf(disk !== null)("full disk (issue 12, defects 20, 21, 22)", () => {
  let influxd: Influxd;
  let server: ServerChild;
  let agent: RawAgent;
  const aggregatorStates: string[] = [];
  let agentSecret = "";
  let mqttUrl = "";

  beforeAll(async () => {
    influxd = await startInfluxd();
    const dataDir = disk!.dir;
    const db = openDatabase(join(dataDir, "hallwatch.db"));
    await HallStore.onSqlite(db).upsert({ id: HALL, name: "Full disk hall" });
    agentSecret = (await new CredentialStore(new SqliteEngine(db)).provisionAgent(HALL, AGENT)).secret;
    db.close();
    const httpPort = await freePort();
    const mqttPort = await freePort();
    mqttUrl = `mqtt://127.0.0.1:${mqttPort}`;
    server = new ServerChild(
      {
        HALLWATCH_DATA_DIR: dataDir,
        HALLWATCH_HTTP_HOST: "127.0.0.1",
        HALLWATCH_HTTP_PORT: String(httpPort),
        HALLWATCH_MQTT_HOST: "127.0.0.1",
        HALLWATCH_MQTT_PORT: String(mqttPort),
        HALLWATCH_DEMO: "0",
        HALLWATCH_INFLUX_URL: influxd.url,
        HALLWATCH_ADMIN_PASSWORD: ADMIN_PASSWORD,
        HALLWATCH_LOG_LEVEL: "warn",
      },
      `http://127.0.0.1:${httpPort}`,
    );
    await server.start();
    agent = new RawAgent(mqttUrl, HALL, AGENT, 1, [kiosk("kiosk-1")], {
      username: AGENT,
      password: agentSecret,
    });
  }, 120_000);

  afterAll(async () => {
    agent?.client?.end(true);
    await server?.kill();
    await influxd?.stop();
    disk?.unmount();
  }, 60_000);

  const health = async (): Promise<{ code: number; body: Health }> => {
    const res = await fetch(`${server.httpUrl}/api/health`);
    return { code: res.status, body: (await res.json()) as Health };
  };

  /** Connects the agent (again, after a restart took the embedded broker down) and announces its devices. */
  const connectAgent = async () => {
    agent.client?.end(true);
    agent.client = null;
    await agent.connect();
    await agent.online();
    await agent.birth();
    aggregatorStates.length = 0;
    // The agent's own connection (the broker takes a client id only from its own agent).
    agent.client!.on("message", (topic, payload) => {
      if (topic === topics.aggregatorStatus())
        aggregatorStates.push((JSON.parse(String(payload)) as { state: string }).state);
    });
    await agent.client!.subscribeAsync(topics.aggregatorStatus(), { qos: 1 });
  };

  /** A QoS 1 publish to a broker that died with its server never completes: fail with what happened instead. */
  const send = async (values: Record<string, unknown>) => {
    const sent = agent.telemetry("kiosk-1", values);
    const timeout = sleep(10_000).then(() => {
      throw new Error(
        `publish not acknowledged; server exits: ${JSON.stringify(server.unexpectedExits)}\n${server.output.slice(-3000)}`,
      );
    });
    await Promise.race([sent, timeout]);
  };

  const alertsAs = async (cookie: string, query: string) => {
    const res = await fetch(`${server.httpUrl}/api/alerts?${query}`, { headers: { cookie } });
    return { code: res.status, body: (await res.json()) as { items: Record<string, unknown>[] } };
  };

  it("defects 20-22: a full disk degrades the server instead of crashing it, and every fault meanwhile is alerted once space returns", async () => {
    await connectAgent();
    await send(kioskValues);
    await waitFor(async () => (await health()).body.status === "ok", "a healthy start", 20_000, 200);
    await waitFor(() => aggregatorStates.at(-1) === "online", "the aggregator online", 10_000);

    // The disk fills up while InfluxDB is down, so history points must go to the (full) disk buffer.
    disk!.fill();
    await influxd.kill();
    for (let i = 0; i < 30; i++) {
      await send({ ...kioskValues, cpuPct: i });
      await sleep(100);
    }
    await sleep(3_000);
    expect(server.unexpectedExits, server.output.slice(-3000)).toEqual([]);

    // A restart on the full disk (a crash, an OOM kill, a deploy) must come up, not crash-loop.
    await server.kill();
    await server.start();
    await connectAgent();
    await sleep(5_000);
    expect(server.running, server.output.slice(-3000)).toBe(true);
    expect(server.unexpectedExits).toEqual([]);
    // Defect 20: not online while it cannot store what it receives (agents would replay into nothing).
    expect(aggregatorStates).not.toContain("online");

    // Defect 22: sign-in and reads work, health says which part is failing.
    const session = await login(server.httpUrl, "admin", ADMIN_PASSWORD);
    expect(session.status).toBe(200);
    expect((await alertsAs(session.cookie, "status=active")).code).toBe(200);
    const metrics = await fetch(`${server.httpUrl}/metrics`, { headers: { cookie: session.cookie } });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^hallwatch_store_writable 0$/m);
    const meanwhile = await health();
    expect(meanwhile.code).toBe(200);
    expect(meanwhile.body.status).toBe("degraded");
    expect(meanwhile.body.checks?.store?.status).not.toBe("ok");
    expect(meanwhile.body.checks?.disk?.status).not.toBe("ok");
    expect(meanwhile.body.checks?.broker?.status).toBe("ok");

    // Defect 21: a fault that begins while nothing can be written.
    await send({ ...kioskValues, printerState: "jam" });
    for (let i = 0; i < 10; i++) {
      await send({ ...kioskValues, printerState: "jam", cpuPct: i });
      await sleep(200);
    }
    expect(server.running, server.output.slice(-3000)).toBe(true);

    // Space returns, InfluxDB too; no restart.
    disk!.free();
    await influxd.restart();
    let lastHealth: Health | null = null;
    await waitFor(
      async () => {
        lastHealth = (await health()).body;
        return lastHealth.status === "ok";
      },
      "health ok again after space returned",
      60_000,
      500,
    ).catch((err) => {
      throw new Error(
        `${(err as Error).message}: ${JSON.stringify(lastHealth)}\n${server.output.slice(-3000)}`,
      );
    });
    await waitFor(() => aggregatorStates.at(-1) === "online", "the aggregator online again", 30_000, 100);
    const jam = await waitFor(
      async () =>
        (await alertsAs(session.cookie, `hallId=${HALL}&deviceId=kiosk-1&faultType=printer_jam`)).body.items
          .length > 0,
      "the printer jam alert",
      30_000,
      500,
    );
    expect(jam).toBe(true);
    // The admin alert of the episode (resolved by now), from the _system hall.
    const all = await alertsAs(session.cookie, "limit=500");
    expect(all.code).toBe(200);
    const system = all.body.items.filter((a) => a.hallId === "_system").map((a) => a.faultType);
    expect(system).toEqual(expect.arrayContaining([expect.stringMatching(/^(disk_full|store_unwritable)$/)]));
    expect(server.unexpectedExits, server.output.slice(-3000)).toEqual([]);
  }, 300_000);
});
