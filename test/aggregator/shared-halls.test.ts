import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Aggregator } from "../../src/aggregator/aggregator.js";
import { LeaseFence } from "../../src/cluster/hall-fence.js";
import { LeaseStore } from "../../src/cluster/lease-store.js";
import { type BirthDevice, topics } from "../../src/contract/index.js";
import { DEFAULT_SILENCE_POLICY } from "../../src/core/presence/silence.js";
import { silentLogger } from "../../src/logging.js";
import { openDatabase } from "../../src/store/database.js";
import { HallStore } from "../../src/store/halls.js";
import { PresenceStore } from "../../src/store/presence-store.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";
import { type PlainBroker, startPlainBroker } from "../helpers/plain-broker.js";
import { kioskValues, RawAgent } from "../helpers/raw-agent.js";
import { sleep, waitFor } from "../helpers/wait.js";

const LEASE_MS = 15_000;
const kiosk = (id: string): BirthDevice => ({
  id,
  kind: "kiosk",
  model: "K100",
  zone: "self-service",
  reportIntervalSec: 1,
});

/**
 * Two nodes' aggregators on one database and one broker, each handling only the halls it adopted
 * (docs/scale-out.md): what the other hall's agents send is not theirs to process or write, a hall handed over is
 * carried on by the next owner with its devices unknown (never offline) until its agents answer the rebirth request,
 * and a node that lost a hall without noticing writes nothing of it.
 */
describe("aggregators sharing the halls", () => {
  let broker: PlainBroker;
  let dir: string;
  let sql: SqliteEngine;
  let leases: LeaseStore;
  const epochs = { a: new Map<string, number>(), b: new Map<string, number>() };
  const nodes: Aggregator[] = [];
  const agents: RawAgent[] = [];

  beforeEach(async () => {
    broker = await startPlainBroker();
    dir = mkdtempSync(join(tmpdir(), "hallwatch-shared-"));
    sql = new SqliteEngine(openDatabase(join(dir, "hallwatch.db")));
    leases = new LeaseStore(sql);
    const halls = new HallStore(sql);
    for (const hallId of ["h1", "h2"]) {
      await halls.upsert({ id: hallId, name: `Hall ${hallId}` });
      await sql.run("INSERT INTO agents (id, hall_id, secret_hash, created_ms) VALUES (?, ?, 'unused', ?)", [
        `${hallId}-agent`,
        hallId,
        Date.now(),
      ]);
    }
    epochs.a.clear();
    epochs.b.clear();
  });

  afterEach(async () => {
    for (const a of agents.splice(0)) await a.stop().catch(() => undefined);
    for (const n of nodes.splice(0)) await n.stop().catch(() => undefined);
    await broker.close();
    await sql.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function startNode(nodeId: "a" | "b"): Promise<Aggregator> {
    const node = new Aggregator({
      brokerUrl: broker.url,
      username: `_aggregator.${nodeId}`,
      password: "unused",
      sql,
      logger: silentLogger(),
      silencePolicy: DEFAULT_SILENCE_POLICY,
      flushIntervalMs: 100,
      silenceCheckIntervalMs: 100,
      rebirthRetry: { initialDelayMs: 200, maxDelayMs: 1_000 },
      shared: {
        fence: new LeaseFence(nodeId, (hallId) => epochs[nodeId].get(hallId) ?? null),
        statusReassertMs: 300,
      },
    });
    nodes.push(node);
    await node.start();
    return node;
  }

  async function adopt(node: Aggregator, nodeId: "a" | "b", hallId: string): Promise<void> {
    const epoch = await leases.acquire(hallId, nodeId, Date.now(), LEASE_MS);
    if (epoch === null) throw new Error(`${hallId} is held by another node`);
    epochs[nodeId].set(hallId, epoch);
    await node.adoptHall(hallId);
  }

  async function agentOf(hallId: string): Promise<RawAgent> {
    const agent = new RawAgent(broker.url, hallId, `${hallId}-agent`, 1, [kiosk(`${hallId}-k1`)]);
    agents.push(agent);
    await agent.connect();
    await agent.online();
    await agent.birth();
    return agent;
  }

  const stored = async (hallId: string) =>
    (await new PresenceStore(sql).loadHall(hallId)).devices.map((d) => `${d.deviceId}:${d.connectivity}`);

  it("process and store only the halls they adopted", async () => {
    const a = await startNode("a");
    const b = await startNode("b");
    await adopt(a, "a", "h1");
    await adopt(b, "b", "h2");
    const h1 = await agentOf("h1");
    const h2 = await agentOf("h2");
    await h1.telemetry("h1-k1", kioskValues);
    await h2.telemetry("h2-k1", kioskValues);
    await waitFor(() => a.presence.device("h1", "h1-k1")?.lastSeenMs ?? null, "a to hear h1");
    await waitFor(() => b.presence.device("h2", "h2-k1")?.lastSeenMs ?? null, "b to hear h2");
    await sleep(300);
    expect(a.presence.device("h2", "h2-k1")).toBeUndefined();
    expect(b.presence.device("h1", "h1-k1")).toBeUndefined();
    expect(a.presence.agent("h2-agent")).toBeUndefined();
    await a.flush();
    await b.flush();
    expect(await stored("h1")).toEqual(["h1-k1:online"]);
    expect(await stored("h2")).toEqual(["h2-k1:online"]);
    // Neither dead-lettered the other's messages: they never reached it.
    expect(a.stats().deadLettersByReason).toEqual({});
    expect(b.stats().deadLettersByReason).toEqual({});
  });

  it("hand a hall over: the next owner has its devices unknown, never offline, until the agent answers its rebirth request", async () => {
    const a = await startNode("a");
    const b = await startNode("b");
    await adopt(a, "a", "h1");
    const agent = await agentOf("h1");
    await agent.telemetry("h1-k1", kioskValues);
    await waitFor(
      () => a.presence.device("h1", "h1-k1")?.connectivity === "online" || null,
      "h1-k1 online on a",
    );

    // Node a hands h1 over (a rebalance): its last writes land, then the lease is free for b.
    await a.releaseHall("h1");
    epochs.a.delete("h1");
    await leases.release("a", ["h1"], Date.now());
    expect(a.presence.device("h1", "h1-k1")).toBeUndefined();
    expect(await stored("h1")).toEqual(["h1-k1:online"]);

    const offline: string[] = [];
    b.bus.on("device_connectivity", ({ device }) => {
      if (device.connectivity === "offline") offline.push(device.deviceId);
    });
    agent.commands.length = 0;
    await adopt(b, "b", "h1");
    // The retained status and birth arrive at the subscription; the agent is asked for a rebirth.
    await waitFor(
      () => agent.commands.find((c) => (c as { cmd?: string }).cmd === "rebirth") ?? null,
      "a rebirth request from b",
    );
    await agent.birth();
    await waitFor(
      () => b.presence.device("h1", "h1-k1")?.connectivity === "online" || null,
      "h1-k1 online on b",
    );
    await agent.telemetry("h1-k1", kioskValues);
    await waitFor(() => (b.presence.agent("h1-agent")?.lastSeq ?? 0) >= 1 || null, "b to take the reading");
    await sleep(300);
    expect(offline).toEqual([]);
    expect(a.presence.device("h1", "h1-k1")).toBeUndefined();
    await b.flush();
    expect(await stored("h1")).toEqual(["h1-k1:online"]);
  });

  it("write nothing of a hall another node took while they did not notice (fencing)", async () => {
    const a = await startNode("a");
    await adopt(a, "a", "h1");
    // Another node takes h1 over (a was paused): a still believes it holds epoch 1.
    await leases.release("a", ["h1"], Date.now());
    expect(await leases.acquire("h1", "c", Date.now(), LEASE_MS)).toBe(2);
    const agent = await agentOf("h1");
    await agent.telemetry("h1-k1", kioskValues);
    await waitFor(() => a.presence.device("h1", "h1-k1")?.lastSeenMs ?? null, "a to hear h1");
    await a.flush();
    expect(await stored("h1")).toEqual([]);
  });

  it("say online again when another node's will says the aggregator is offline", async () => {
    const a = await startNode("a");
    const b = await startNode("b");
    const observer = await mqtt.connectAsync(broker.url, { clientId: "observer" });
    const statuses: { state: string; instanceId: string }[] = [];
    observer.on("message", (_t, payload) => statuses.push(JSON.parse(payload.toString())));
    await observer.subscribeAsync(topics.aggregatorStatus(), { qos: 1 });
    await a.stop();
    nodes.splice(nodes.indexOf(a), 1);
    await waitFor(
      () => statuses.some((s) => s.state === "offline" && s.instanceId === a.instanceId) || null,
      "a's offline status",
    );
    // Agents keep their data while it says offline; the remaining node says online after its delay.
    await waitFor(() => {
      const last = statuses.at(-1);
      return last?.state === "online" && last.instanceId === b.instanceId ? last : null;
    }, "b's online status after a's offline");
    await observer.endAsync();
  });

  it("hand other system topics to whoever subscribed through them, on their one connection", async () => {
    const a = await startNode("a");
    const heard: string[] = [];
    const off = a.subscribeTopic("hallwatch/v1/_system/alerts/+", (topic, payload) =>
      heard.push(`${topic} ${payload.toString()}`),
    );
    const publisher = await mqtt.connectAsync(broker.url, { clientId: "publisher" });
    await waitFor(async () => {
      await publisher.publishAsync("hallwatch/v1/_system/alerts/h1", "one", { qos: 1 });
      return heard.length > 0 || null;
    }, "the first system message");
    expect(heard[0]).toBe("hallwatch/v1/_system/alerts/h1 one");
    off();
    await sleep(200);
    heard.length = 0;
    await publisher.publishAsync("hallwatch/v1/_system/alerts/h1", "two", { qos: 1 });
    await sleep(300);
    expect(heard).toEqual([]);
    await publisher.endAsync();
  });
});
