import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Aggregator } from "../../src/aggregator/aggregator.js";
import { EventBus } from "../../src/aggregator/event-bus.js";
import { HallMovingError } from "../../src/alerts/alert-actions.js";
import { type AlertChange, AlertService } from "../../src/alerts/alert-service.js";
import { buildApi } from "../../src/api/app.js";
import { createMetrics } from "../../src/api/metrics.js";
import { AlertForwarder, forwardedActionsPath } from "../../src/cluster/alert-forwarding.js";
import { LeaseFence } from "../../src/cluster/hall-fence.js";
import { LeaseStore } from "../../src/cluster/lease-store.js";
import { clusterForwardingKey, signNodeRequest } from "../../src/cluster/node-signature.js";
import type { Alert } from "../../src/core/alerts/alert.js";
import { parseRulesConfig } from "../../src/core/faults/config.js";
import { PresenceTracker } from "../../src/core/presence/tracker.js";
import type { DeviceState } from "../../src/core/presence/types.js";
import { silentLogger } from "../../src/logging.js";
import { AuditLog } from "../../src/store/audit.js";
import { HallDirectory } from "../../src/store/hall-directory.js";
import { HallStore } from "../../src/store/halls.js";
import type { SqlEngine } from "../../src/store/sql/engine.js";
import { PostgresEngine } from "../../src/store/sql/postgres-engine.js";
import { migratePostgres } from "../../src/store/sql/postgres-migrations.js";
import { UserStore } from "../../src/store/users.js";
import { requireInCi } from "../helpers/external-servers.js";
import { PG_BIN, type PostgresServer, startPostgres } from "../helpers/postgres.js";

/**
 * Two nodes on one PostgreSQL (docs/scale-out.md, "Alerts across nodes"): node A holds hall h1 and its alerts in
 * memory; an action that reaches node B (its API behind a load balancer, its notifier) is forwarded, signed, to A,
 * which applies it as the single writer. Real alert services, a real lease store, real HTTP on loopback.
 */
const LEASE_MS = 15_000;
const KEY = clusterForwardingKey(Buffer.alloc(32, 7));
const logger = silentLogger();

function kioskOutOfPaper(hallId: string): DeviceState {
  return {
    hallId,
    deviceId: "kiosk-1",
    agentId: "agent-1",
    kind: "kiosk",
    model: "K",
    zone: "z",
    name: null,
    reportIntervalSec: 10,
    connectivity: "online",
    connectivitySinceMs: 0,
    connectivityReason: "birth",
    lastSeenMs: Date.now(),
    values: { printerState: "paper_out", paperPct: 0 } as DeviceState["values"],
    valuesTsMs: Date.now(),
    retired: false,
  };
}

interface TestNode {
  nodeId: string;
  alerts: AlertService;
  api: FastifyInstance;
  address: string;
  epochs: Map<string, number>;
  changes: AlertChange[];
}

describe.skipIf(!requireInCi(PG_BIN, "PostgreSQL"))("alert actions reach the hall's owner", () => {
  let server: PostgresServer;
  let sql: SqlEngine;
  let leases: LeaseStore;
  let a: TestNode;
  let b: TestNode;
  let token: string;
  let raised: Alert;

  async function startNode(nodeId: string): Promise<TestNode> {
    const aggregator = {
      bus: new EventBus(logger),
      presence: new PresenceTracker(Date.now()),
      isBrokerConnected: true,
      stats: () => ({}),
    } as unknown as Aggregator;
    const epochs = new Map<string, number>();
    const forwarder = new AlertForwarder({
      nodeId,
      leases,
      key: KEY,
      holds: (hallId) => epochs.has(hallId),
      logger,
      retryDelayMs: 50,
    });
    const alerts = new AlertService({
      sql,
      aggregator,
      rules: parseRulesConfig({}),
      logger,
      tickIntervalMs: 60_000,
      cluster: { fence: new LeaseFence(nodeId, (hallId) => epochs.get(hallId) ?? null), remote: forwarder },
    });
    await alerts.start();
    const changes: AlertChange[] = [];
    alerts.bus.on("alert_changed", (change) => changes.push(change));
    const api = await buildApi({
      auth: {
        users: new UserStore(sql),
        audit: new AuditLog(sql),
        sessionIdleMs: 3_600_000,
        sessionAbsoluteMs: 86_400_000,
        secureCookies: false,
      },
      aggregator,
      alerts,
      halls: await HallDirectory.open(new HallStore(sql), { refreshMs: 0 }),
      metrics: createMetrics(aggregator, null),
      clusterForwarding: { key: KEY },
      logger,
      version: "test",
    });
    const address = await api.listen({ port: 0, host: "127.0.0.1" });
    await leases.heartbeat(
      { nodeId, roles: ["ingest", "api"], address, startedMs: Date.now() },
      await leases.nowMs(),
    );
    return { nodeId, alerts, api, address, epochs, changes };
  }

  const acquire = async (node: TestNode, hallId: string) => {
    const epoch = await leases.acquire(hallId, node.nodeId, await leases.nowMs(), LEASE_MS);
    if (epoch === null) throw new Error(`${node.nodeId} could not acquire ${hallId}`);
    node.epochs.set(hallId, epoch);
    await node.alerts.adoptHall(hallId);
  };

  /** The alert as the store has it, its history, and how many stored alerts carry its id. */
  const stored = async (id: string) => {
    const found = await b.alerts.get(id);
    const rows = await sql.all<{ n: number }>("SELECT COUNT(*) AS n FROM alerts WHERE id = ?", [id]);
    return { alert: found?.alert, history: found?.history ?? [], rows: Number(rows[0]?.n) };
  };

  /** A request to A's forwarding route as another node would send it (or not). */
  const sendToA = (id: string, body: string, headers: Record<string, string>) =>
    fetch(`${a.address}${forwardedActionsPath(id)}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });

  beforeAll(async () => {
    server = await startPostgres();
    const pg = new PostgresEngine({ connectionString: await server.createDatabase() });
    await migratePostgres(pg);
    sql = pg;
    leases = new LeaseStore(sql);
    const users = new UserStore(sql);
    await users.create({
      username: "admin",
      displayName: "Admin",
      password: "admin-password-1",
      roles: ["admin"],
      halls: ["*"],
    });
    token = (await users.createApiToken("admin", "tests", null)).token;
    for (const id of ["h1", "h2"]) await new HallStore(sql).upsert({ id, name: id });
    a = await startNode("node-a");
    b = await startNode("node-b");
    await acquire(a, "h1");
    a.alerts.evaluateDevice(kioskOutOfPaper("h1"));
    raised = a.alerts.activeAlerts()[0] as Alert;
    await a.alerts.list({ limit: 1, offset: 0 }); // written
  }, 60_000);

  afterAll(async () => {
    for (const node of [a, b]) {
      await node?.api.close();
      await node?.alerts.stop();
    }
    await sql?.close();
    await server?.stop();
  });

  it("applies on A an acknowledgement made on B, once, as the person who made it", async () => {
    expect(raised).toBeDefined();
    expect(b.alerts.held(raised.id)).toBeNull(); // B does not hold h1
    const result = await b.alerts.acknowledge(raised.id, "ana", "on my way");
    expect(result).toMatchObject({ id: raised.id, status: "acknowledged" });
    expect((result as Alert).acknowledged).toMatchObject({ by: "ana", comment: "on my way" });
    // A's memory has it (so its next change carries it on), and A told its stream and publisher, not B.
    expect(a.alerts.held(raised.id)?.acknowledged?.by).toBe("ana");
    expect(a.changes.filter((c) => c.entry?.action === "acknowledged").map((c) => c.entry?.by)).toEqual([
      "ana",
    ]);
    expect(b.changes).toEqual([]);
    const { alert, history, rows } = await stored(raised.id);
    expect(rows).toBe(1);
    expect(alert?.status).toBe("acknowledged");
    expect(history.filter((h) => h.action === "acknowledged")).toEqual([
      expect.objectContaining({ by: "ana", fromStatus: "open", toStatus: "acknowledged" }),
    ]);
  });

  it("answers B with the owner's lifecycle error: acknowledged twice, resolved while the condition holds", async () => {
    expect(await b.alerts.acknowledge(raised.id, "bo", null)).toMatchObject({
      error: "already_acknowledged",
    });
    expect(await b.alerts.resolve(raised.id, "bo", "fixed?")).toMatchObject({ error: "condition_active" });
    // B's API answers as for a local alert (409), with the audit naming the caller.
    const response = await fetch(`${b.address}/api/alerts/${raised.id}/resolve`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ reason: "fixed?" }),
    });
    expect(response.status).toBe(409);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("condition_active");
    // Through B's API, a comment lands on A as the admin who wrote it.
    const comment = await fetch(`${b.address}/api/alerts/${raised.id}/comments`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ text: "paper ordered" }),
    });
    expect(comment.status).toBe(200);
    expect(a.alerts.held(raised.id)?.lastComment).toMatchObject({ by: "admin", text: "paper ordered" });
    const { history } = await stored(raised.id);
    expect(history.filter((h) => h.action === "commented")).toHaveLength(1);
  });

  it("says the hall is being taken over (503 on the API) when nobody holds it, or its owner does not answer", async () => {
    // h2's alert was raised by A, which then handed the hall over: nobody holds it yet.
    await acquire(a, "h2");
    a.alerts.evaluateDevice(kioskOutOfPaper("h2"));
    const h2Alert = a.alerts.activeAlerts().find((x) => x.hallId === "h2") as Alert;
    await a.alerts.releaseHall("h2");
    a.epochs.delete("h2");
    await leases.release("node-a", ["h2"], await leases.nowMs());
    await expect(b.alerts.comment(h2Alert.id, "ana", "anyone?")).rejects.toThrow(
      new HallMovingError("h2", "no node holds it now"),
    );
    const response = await fetch(`${b.address}/api/alerts/${h2Alert.id}/acknowledge`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({}),
    });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("3");
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("hall_moving");
    expect(body.error.message).toMatch(
      /^hall h2 is being taken over by another node; try again in a few seconds/,
    );
    // A owns h1 but answers at an address where nothing listens.
    await leases.heartbeat(
      { nodeId: "node-a", roles: ["ingest", "api"], address: "http://127.0.0.1:9", startedMs: Date.now() },
      await leases.nowMs(),
    );
    try {
      await expect(b.alerts.comment(raised.id, "ana", "hello?")).rejects.toThrow(/does not answer/);
    } finally {
      await leases.heartbeat(
        { nodeId: "node-a", roles: ["ingest", "api"], address: a.address, startedMs: Date.now() },
        await leases.nowMs(),
      );
    }
    const { history } = await stored(h2Alert.id);
    expect(history.map((h) => h.action)).toEqual(["opened"]);
  });

  it("is refused by A (503) for a hall A does not hold either, so the caller asks again", async () => {
    const h2Alert = (await b.alerts.list({ hallIds: ["h2"], limit: 1, offset: 0 })).items[0] as Alert;
    const body = JSON.stringify({ type: "comment", by: "ana", text: "to the wrong node" });
    const path = forwardedActionsPath(h2Alert.id);
    const response = await sendToA(
      h2Alert.id,
      body,
      signNodeRequest(KEY, { method: "POST", path, body }, "node-b", Date.now()),
    );
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("hall_moving");
  });

  it("refuses (401) a request without a valid node signature, stale, replayed, or with a user's token, and changes nothing", async () => {
    const before = await stored(raised.id);
    const body = JSON.stringify({ type: "comment", by: "mallory", text: "forged" });
    const path = forwardedActionsPath(raised.id);
    const signed = (key: Buffer, atMs: number) =>
      signNodeRequest(key, { method: "POST", path, body }, "node-b", atMs);
    const attempts: Record<string, string>[] = [
      {}, // unsigned
      { authorization: `Bearer ${token}` }, // an admin's token is not a node's signature
      signed(clusterForwardingKey(Buffer.alloc(32, 8)), Date.now()), // another secret key
      signed(KEY, Date.now() - 31_000), // stale
      signed(KEY, Date.now() + 31_000), // from the future
      { ...signed(KEY, Date.now()), "x-hallwatch-node": "node-c" }, // the signed sender changed
    ];
    for (const headers of attempts) {
      const response = await sendToA(raised.id, body, headers);
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("unauthenticated");
    }
    // The body changed under a valid signature.
    const tampered = await sendToA(raised.id, body.replace("forged", "FORGED"), signed(KEY, Date.now()));
    expect(tampered.status).toBe(401);
    // A valid request once, then the same bytes again: the replay is refused.
    const valid = signed(KEY, Date.now());
    expect((await sendToA(raised.id, body, valid)).status).toBe(200);
    expect((await sendToA(raised.id, body, valid)).status).toBe(401);
    const after = await stored(raised.id);
    expect(after.history.length).toBe(before.history.length + 1); // the one valid comment only
    expect(after.history.filter((h) => h.detail?.comment === "FORGED")).toEqual([]);
  });
});
