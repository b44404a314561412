// Three Hallwatch nodes share 60 halls (HALLWATCH_CLUSTER=shared, docs/scale-out.md) on a real PostgreSQL and a real
// Mosquitto, each node a process started as an operator starts it, each hall's agent the real agent runtime. From
// outside (the database, the webhook receiver, the nodes' processes) the test checks the spread, a SIGKILL takeover
// without a lost, duplicated or offline anything, a restart's rebalance that opens and closes nothing, and a node
// paused past its lease that writes nothing over its halls' new owners (fencing).
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "../../agents/runtime/agent.js";
import type { DeviceDriver } from "../../agents/runtime/driver.js";
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
import { sleep, waitFor } from "../helpers/wait.js";
import { startHttpReceivers, WEBHOOK_SECRET } from "../notify/receivers.js";

const run = requireInCi(PG_BIN, "PostgreSQL") && requireInCi(MOSQUITTO, "Mosquitto");
const HALLS = Array.from({ length: 60 }, (_, i) => `hall-${String(i + 1).padStart(2, "0")}`);
const NODES = ["node1", "node2", "node3"] as const;
const NODE_PASSWORD = "node-password-0123";
const ADMIN_PASSWORD = "Admin-Password-4711";
/** The defaults an operator gets: heartbeat 5 s, lease 15 s. */
const TAKEOVER_LIMIT_MS = 20_000;

describe.skipIf(!run)("three nodes sharing 60 halls (PostgreSQL, Mosquitto)", () => {
  const dir = mkdtempSync(join(tmpdir(), "hallwatch-cluster-"));
  let database: PostgresServer;
  let url: string;
  let broker: Awaited<ReturnType<typeof startClusterBroker>>;
  let receivers: Awaited<ReturnType<typeof startHttpReceivers>>;
  const nodes = new Map<string, HallwatchProcess>();
  const agents: Agent[] = [];
  /** Devices whose printer is jammed now ("<hall>/<device>"). */
  const jammed = new Set<string>();

  beforeAll(async () => {
    database = await startPostgres();
    url = await database.createDatabase("cluster");
    const engine = new PostgresEngine({ connectionString: url });
    await migratePostgres(engine);
    const halls = new HallStore(engine);
    for (const hallId of HALLS) {
      await halls.upsert({ id: hallId, name: `Hall ${hallId}` });
      await engine.run(
        "INSERT INTO agents (id, hall_id, secret_hash, created_ms) VALUES (?, ?, 'broker', ?)",
        [agentOf(hallId), hallId, Date.now()],
      );
    }
    await engine.close();

    broker = await startClusterBroker(
      NODES.map((n) => `_${n}`),
      HALLS.map(agentOf),
      NODE_PASSWORD,
    );
    const brokerUrl = broker.url;

    const configFile = join(dir, "hallwatch.json");
    writeFileSync(configFile, JSON.stringify({ notify: { groupWindowMs: 0 } }));
    const secretKey = randomBytes(32).toString("base64");
    for (const nodeId of NODES) {
      const dataDir = join(dir, nodeId);
      mkdirSync(dataDir);
      nodes.set(
        nodeId,
        await HallwatchProcess.sharedNode({
          databaseUrl: url,
          brokerUrl,
          mqttUsername: `_${nodeId}`,
          mqttPassword: NODE_PASSWORD,
          dataDir,
          nodeId,
          adminPassword: ADMIN_PASSWORD,
          secretKey,
          configFile,
        }),
      );
    }
    // One first, so that the first admin is made once; the other two together.
    await node("node1").start();
    await Promise.all([node("node2").start(), node("node3").start()]);

    receivers = await startHttpReceivers();
    for (const hallId of HALLS) {
      const agent = new Agent({
        brokerUrl,
        hallId,
        agentId: agentOf(hallId),
        password: NODE_PASSWORD,
        stateDir: join(dir, "agents", hallId),
        drivers: [kiosk(hallId, "kiosk-1"), kiosk(hallId, "kiosk-2")],
        sampleIntervalMs: 250,
        reconnect: { initialDelayMs: 200, maxDelayMs: 2_000 },
        keepaliveSec: 5,
        logger: silentLogger(),
      });
      agents.push(agent);
      agent.start();
    }
  }, 180_000);

  afterAll(async () => {
    if (process.env.CLUSTER_DEBUG) {
      console.log(
        await pgQuery(
          url,
          "SELECT node_id, roles_json, heartbeat_ms, stopped_ms, hallwatch_now_ms() AS now FROM cluster_nodes",
        ),
      );
      console.log(await pgQuery(url, "SELECT owner_node, count(*) FROM hall_leases GROUP BY owner_node"));
      for (const [id, n] of nodes) console.log(id, n.output.slice(-3000));
    }
    await Promise.all(agents.map((a) => a.stop().catch(() => undefined)));
    for (const n of nodes.values()) {
      n.signal("SIGCONT");
      await n.stop("SIGKILL");
    }
    await broker?.stop();
    await receivers?.close();
    await database?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  function agentOf(hallId: string): string {
    return `${hallId}-agent`;
  }

  function node(nodeId: string): HallwatchProcess {
    const found = nodes.get(nodeId);
    if (!found) throw new Error(`no node ${nodeId}`);
    return found;
  }

  function kiosk(hallId: string, deviceId: string): DeviceDriver<"kiosk"> {
    return {
      spec: { id: deviceId, kind: "kiosk", model: "K", zone: "self-service", reportIntervalSec: 2 },
      read: () => ({
        appOk: true,
        printerState: jammed.has(`${hallId}/${deviceId}`) ? "jam" : "ok",
        paperPct: 80,
        cpuPct: 12,
        memPct: 40,
        diskPct: 55,
      }),
    };
  }

  /** Each hall's live owner by the database's clock. */
  async function owners(): Promise<Map<string, string>> {
    const rows = await pgQuery<{ hall_id: string; owner_node: string }>(
      url,
      "SELECT hall_id, owner_node FROM hall_leases WHERE owner_node IS NOT NULL AND expires_ms > hallwatch_now_ms()",
    );
    return new Map(rows.map((r) => [r.hall_id, r.owner_node]));
  }

  const hallsOf = (byHall: Map<string, string>, nodeId: string) =>
    [...byHall].filter(([, owner]) => owner === nodeId).map(([hallId]) => hallId);

  async function allOwnedBy(live: readonly string[]): Promise<Map<string, string>> {
    const byHall = await owners();
    return byHall.size === HALLS.length && [...byHall.values()].every((n) => live.includes(n))
      ? byHall
      : new Map();
  }

  function expectEven(byHall: Map<string, string>, live: readonly string[]): void {
    const even = HALLS.length / live.length;
    for (const nodeId of live) {
      const n = hallsOf(byHall, nodeId).length;
      expect(n, `${nodeId} owns ${n} halls`).toBeGreaterThanOrEqual(Math.floor(even * 0.8));
      expect(n, `${nodeId} owns ${n} halls`).toBeLessThanOrEqual(Math.ceil(even * 1.2));
    }
  }

  async function jamAlerts(hallId: string, deviceId: string) {
    return pgQuery<{ id: string; status: string }>(
      url,
      "SELECT id, status FROM alerts WHERE hall_id = $1 AND device_id = $2 AND fault_type = 'printer_jam'",
      [hallId, deviceId],
    );
  }

  async function historyCount(alertId: string, action: string): Promise<number> {
    const rows = await pgQuery<{ n: string }>(
      url,
      "SELECT count(*) AS n FROM alert_history WHERE alert_id = $1 AND action = $2",
      [alertId, action],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async function offlineTransitions(): Promise<number> {
    const rows = await pgQuery<{ n: string }>(
      url,
      "SELECT count(*) AS n FROM device_connectivity_history WHERE connectivity = 'offline'",
    );
    return Number(rows[0]?.n ?? 0);
  }

  async function changeCounts(): Promise<string> {
    const rows = await pgQuery<{ action: string; n: string }>(
      url,
      "SELECT action, count(*) AS n FROM alert_history WHERE action IN ('opened', 'reopened', 'resolved') GROUP BY action ORDER BY action",
    );
    return rows.map((r) => `${r.action}:${r.n}`).join(" ");
  }

  /** A browser's live alert stream (GET /api/alerts/stream, server-sent events). */
  async function follow(httpUrl: string, token: string) {
    const controller = new AbortController();
    const response = await fetch(`${httpUrl}/api/alerts/stream`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    const events: { action: string; alert: { id: string } }[] = [];
    let buffer = "";
    void (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end = buffer.indexOf("\n\n");
          while (end >= 0) {
            const data = buffer
              .slice(0, end)
              .split("\n")
              .find((line) => line.startsWith("data: "));
            if (data) events.push(JSON.parse(data.slice(6)));
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf("\n\n");
          }
        }
      } catch {
        // aborted
      }
    })();
    return { events, close: () => controller.abort() };
  }

  const webhooks = (alertId: string, action: string) =>
    receivers
      .at("/webhook")
      .filter(
        (r) => (r.body as { alert?: { id?: string } }).alert?.id === alertId && r.body.action === action,
      );

  it("spread the halls, take a killed node's halls over without losing, repeating or offlining anything, rebalance on its return, and fence a paused node", async () => {
    // --- spread: every hall owned, each node within ±20 % of even --------------------------------------------
    // node1 started first and took every hall; the others join and rendezvous hands them their share.
    const spread = await waitFor(
      async () => {
        const byHall = await allOwnedBy(NODES);
        return NODES.every((n) => hallsOf(byHall, n).length >= 16) ? byHall : null;
      },
      "60 halls shared by the three nodes",
      30_000,
    );
    expectEven(spread, NODES);
    await waitFor(
      async () => {
        const rows = await pgQuery<{ n: string }>(
          url,
          "SELECT count(*) AS n FROM devices WHERE connectivity = 'online'",
        );
        return Number(rows[0]?.n) === HALLS.length * 2 || null;
      },
      "all 120 kiosks online",
      30_000,
    );

    const token = await bearerToken(node("node1").httpUrl, "admin", ADMIN_PASSWORD);
    // Any node's API shows every hall's devices, whichever node owns them (a hall just handed over shows its
    // devices unknown on its new owner until its agent answers the rebirth request).
    for (const nodeId of NODES) {
      await waitFor(
        async () => {
          const response = await fetch(`${node(nodeId).httpUrl}/api/devices`, {
            headers: { authorization: `Bearer ${token}` },
          });
          const { items } = (await response.json()) as { items: { connectivity: string }[] };
          return items.filter((d) => d.connectivity === "online").length === HALLS.length * 2 || null;
        },
        `${nodeId}'s API showing all 120 kiosks online`,
        20_000,
      );
      const one = await fetch(`${node(nodeId).httpUrl}/api/devices/${hallsOf(spread, "node2")[0]}/kiosk-1`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(one.status).toBe(200);
    }
    // A command to a device of another node's hall: sent from this node, the agent's reply comes back here.
    const farHall = hallsOf(spread, "node2")[1] as string;
    const identify = await fetch(`${node("node1").httpUrl}/api/devices/${farHall}/kiosk-2/actions`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ action: "identify", durationSec: 5 }),
    });
    expect(identify.status, await identify.clone().text()).toBe(200);
    expect(((await identify.json()) as { ok: boolean }).ok).toBe(true);

    const api = async (path: string, body: unknown) => {
      const response = await fetch(`${node("node1").httpUrl}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(response.status, await response.clone().text()).toBe(200);
      return (await response.json()) as { id: string };
    };
    const channel = await api("/api/notify/channels", {
      name: "ops hook",
      language: "en",
      config: { type: "webhook", url: `${receivers.base}/webhook`, secret: WEBHOOK_SECRET },
    });
    await api("/api/notify/rules", {
      name: "every jam",
      roles: ["floor_staff"],
      minSeverity: "major",
      actions: ["opened", "reopened", "resolved"],
      channelIds: [channel.id],
    });

    // --- SIGKILL node2: a fault alerted before, cleared during the takeover; one injected just before -------
    const [clearedHall, injectedHall] = hallsOf(spread, "node2") as [string, string];
    // Browsers on node1 and node3 follow the live stream; the alert is raised by node2.
    const streams = await Promise.all(["node1", "node3"].map((n) => follow(node(n).httpUrl, token)));
    jammed.add(`${clearedHall}/kiosk-1`);
    const cleared = await waitFor(
      async () => {
        const [alert] = await jamAlerts(clearedHall, "kiosk-1");
        return alert && webhooks(alert.id, "opened").length === 1 ? alert : null;
      },
      "the first jam alerted and notified",
      20_000,
    );
    for (const stream of streams)
      await waitFor(
        () =>
          stream.events.filter((e) => e.alert.id === cleared.id && e.action === "opened").length === 1 ||
          null,
        "the alert raised on node2 on the other nodes' live streams",
      );
    for (const stream of streams) stream.close();
    // Its hall's readiness preview on the other nodes counts it, as node2's would.
    for (const nodeId of ["node1", "node3"]) {
      const response = await fetch(
        `${node(nodeId).httpUrl}/api/halls/${clearedHall}/readiness?preview=true`,
        {
          headers: { authorization: `Bearer ${token}` },
        },
      );
      const { report } = (await response.json()) as {
        report: { openAlerts: { id: string }[] };
      };
      expect(report.openAlerts.map((a) => a.id)).toEqual([cleared.id]);
    }
    jammed.add(`${injectedHall}/kiosk-1`);
    await sleep(500); // reported at once (a discrete change), maybe not yet processed or written
    const killedAt = Date.now();
    await node("node2").stop("SIGKILL");
    jammed.delete(`${clearedHall}/kiosk-1`);

    const afterKill = await waitFor(
      async () => {
        const byHall = await allOwnedBy(["node1", "node3"]);
        return byHall.size > 0 ? byHall : null;
      },
      "node2's halls owned again",
      TAKEOVER_LIMIT_MS + 10_000,
    );
    expect(Date.now() - killedAt).toBeLessThan(TAKEOVER_LIMIT_MS);

    const injected = await waitFor(
      async () => {
        const alerts = await jamAlerts(injectedHall, "kiosk-1");
        return alerts.length > 0 ? alerts : null;
      },
      "the injected jam alerted",
      20_000,
    );
    await waitFor(
      async () => (await jamAlerts(clearedHall, "kiosk-1"))[0]?.status === "resolved" || null,
      "the cleared jam resolved",
      20_000,
    );
    await waitFor(
      () => webhooks(cleared.id, "resolved").length > 0 && webhooks(injected[0]!.id, "opened").length > 0,
      "the resolution and the new alert notified",
      20_000,
    );
    await sleep(3_000); // room for a duplicate to show up
    expect(injected).toHaveLength(1);
    expect(await jamAlerts(injectedHall, "kiosk-1")).toHaveLength(1);
    expect(await jamAlerts(clearedHall, "kiosk-1")).toEqual([{ id: cleared.id, status: "resolved" }]);
    expect(await historyCount(cleared.id, "resolved")).toBe(1);
    expect(await historyCount(injected[0]!.id, "opened")).toBe(1);
    expect(webhooks(cleared.id, "opened")).toHaveLength(1);
    expect(webhooks(cleared.id, "resolved")).toHaveLength(1);
    expect(webhooks(injected[0]!.id, "opened")).toHaveLength(1);
    expect(await offlineTransitions()).toBe(0);
    expectEven(afterKill, ["node1", "node3"]);

    // A person acknowledges it on the node that does not own its hall: the owner applies it, once.
    const owner = afterKill.get(injectedHall) as string;
    const elsewhere = owner === "node1" ? "node3" : "node1";
    const ack = await fetch(`${node(elsewhere).httpUrl}/api/alerts/${injected[0]!.id}/acknowledge`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ comment: "on my way" }),
    });
    expect(ack.status, await ack.clone().text()).toBe(200);
    expect(((await ack.json()) as { status: string }).status).toBe("acknowledged");
    expect(await jamAlerts(injectedHall, "kiosk-1")).toEqual([
      { id: injected[0]!.id, status: "acknowledged" },
    ]);
    expect(await historyCount(injected[0]!.id, "acknowledged")).toBe(1);

    // --- node2 returns: the halls rebalance, no alert opens or closes ----------------------------------------
    const before = await changeCounts();
    await node("node2").start();
    const rebalanced = await waitFor(
      async () => {
        const byHall = await allOwnedBy(NODES);
        return hallsOf(byHall, "node2").length >= 16 ? byHall : null;
      },
      "node2 owning its share again",
      30_000,
    );
    expectEven(rebalanced, NODES);
    await sleep(5_000);
    expect(await changeCounts()).toBe(before);
    expect(await offlineTransitions()).toBe(0);

    // --- SIGSTOP node3 past its lease: its halls move; resumed, it writes nothing over the new owners --------
    const pausedHalls = hallsOf(rebalanced, "node3");
    const watched = pausedHalls[0] as string;
    node("node3").signal("SIGSTOP");
    const whilePaused = await waitFor(
      async () => {
        const byHall = await owners();
        return pausedHalls.every((h) => byHall.get(h) && byHall.get(h) !== "node3") ? byHall : null;
      },
      "node3's halls owned by the others",
      TAKEOVER_LIMIT_MS + 10_000,
    );
    expect(whilePaused.get(watched)).not.toBe("node3");
    jammed.add(`${watched}/kiosk-2`);
    const raisedWhilePaused = await waitFor(
      async () => {
        const [alert] = await jamAlerts(watched, "kiosk-2");
        return alert && alert.status !== "resolved" ? alert : null;
      },
      "the jam alerted by the new owner",
      20_000,
    );
    const seen = async () =>
      Number(
        (
          await pgQuery<{ values_ts_ms: string }>(
            url,
            "SELECT values_ts_ms FROM devices WHERE hall_id = $1 AND device_id = 'kiosk-2'",
            [watched],
          )
        )[0]?.values_ts_ms,
      );
    const seenWhilePaused = await seen();
    node("node3").signal("SIGCONT");
    // It wakes up believing it still owns its halls; its writes fail the fence until it notices.
    await sleep(8_000);
    expect(await jamAlerts(watched, "kiosk-2")).toEqual([raisedWhilePaused]);
    expect(await seen()).toBeGreaterThanOrEqual(seenWhilePaused);
    expect(await offlineTransitions()).toBe(0);
    await waitFor(
      async () => {
        const byHall = await allOwnedBy(NODES);
        return hallsOf(byHall, "node3").length >= 16 || null;
      },
      "node3 owning its share again",
      30_000,
    );

    // --- every notice delivered exactly once -----------------------------------------------------------------
    const deliveries = receivers.at("/webhook").map((r) => String(r.headers["x-hallwatch-delivery"]));
    expect(new Set(deliveries).size).toBe(deliveries.length);
    const notices = receivers
      .at("/webhook")
      .map((r) => `${(r.body as { alert: { id: string } }).alert.id}/${r.body.action}`);
    expect(new Set(notices).size).toBe(notices.length);
  }, 300_000);
});
