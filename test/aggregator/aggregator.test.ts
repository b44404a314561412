import mqtt from "mqtt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BirthDevice } from "../../src/contract/index.js";
import { topics } from "../../src/contract/index.js";
import { type PlainBroker, startPlainBroker } from "../helpers/plain-broker.js";
import { kioskValues, RawAgent } from "../helpers/raw-agent.js";
import { sleep, waitFor } from "../helpers/wait.js";
import { AggregatorHarness } from "./harness.js";

const HALL = "h1";
const kiosk = (id: string): BirthDevice => ({
  id,
  kind: "kiosk",
  model: "K100",
  zone: "self-service",
  reportIntervalSec: 1,
});
const extinguisher = (id: string): BirthDevice => ({
  id,
  kind: "extinguisher",
  model: "EX-6",
  zone: "entrance",
  reportIntervalSec: 900,
});

describe("aggregator", () => {
  let broker: PlainBroker;
  let harness: AggregatorHarness;
  const agents: RawAgent[] = [];

  beforeEach(async () => {
    broker = await startPlainBroker();
    harness = new AggregatorHarness(broker.url);
    harness.openDb();
    await harness.provision(HALL, ["a1", "a2", "gw"]);
    await harness.start();
  });

  afterEach(async () => {
    for (const a of agents.splice(0)) await a.stop().catch(() => undefined);
    await harness.close();
    await broker.close();
  });

  async function agent(id: string, devices: BirthDevice[], session = 1): Promise<RawAgent> {
    const a = new RawAgent(broker.url, HALL, id, session, devices);
    agents.push(a);
    await a.connect();
    await a.online();
    await a.birth();
    return a;
  }

  it("registers the devices of a birth and tracks their values", async () => {
    const a = await agent("a1", [kiosk("k1"), kiosk("k2")]);
    await a.telemetry("k1", { ...kioskValues, paperPct: 42 });
    const k1 = await waitFor(async () => {
      const d = await harness.device(HALL, "k1");
      return d?.values?.paperPct === 42 ? d : null;
    }, "k1 values");
    expect(k1).toMatchObject({ connectivity: "online", kind: "kiosk", zone: "self-service", agentId: "a1" });
    const list = await harness.get("/api/devices?hallId=h1");
    expect(list.items.map((d: { deviceId: string }) => d.deviceId)).toEqual(["k1", "k2"]);
    const halls = await harness.get("/api/halls");
    expect(halls.items[0]).toMatchObject({ id: HALL, devices: { online: 2, total: 2 } });
  });

  it("marks an agent and every hosted device offline when its socket dies, via the will", async () => {
    const gw = await agent("gw", [extinguisher("e1"), extinguisher("e2"), extinguisher("e3")]);
    await waitFor(async () => (await harness.device(HALL, "e3"))?.connectivity === "online", "online");
    gw.kill();
    await waitFor(async () => {
      const list = await harness.get("/api/devices?hallId=h1&connectivity=offline");
      return list.items.length === 3;
    }, "all hosted devices offline");
    const e1 = await harness.device(HALL, "e1");
    expect(e1.connectivityReason).toBe("agent_offline");
    const agentView = await harness.get("/api/agents/gw");
    expect(agentView.connectivity).toBe("offline");
  });

  it("ignores a late will from an older session", async () => {
    const a = await agent("a1", [kiosk("k1")], 5);
    await a.telemetry("k1", kioskValues);
    await waitFor(async () => (await harness.device(HALL, "k1"))?.connectivity === "online", "online");
    // The will of session 4 arrives after session 5 is live (e.g. the old TCP connection timed out late).
    await a.publish(topics.agentStatus(HALL, "a1"), {
      v: 1,
      state: "offline",
      session: 4,
      tsMs: Date.now(),
      reason: "will",
    });
    await sleep(300);
    expect((await harness.device(HALL, "k1")).connectivity).toBe("online");
    // The same will with the live session number is honoured.
    await a.publish(topics.agentStatus(HALL, "a1"), {
      v: 1,
      state: "offline",
      session: 5,
      tsMs: Date.now(),
      reason: "will",
    });
    await waitFor(async () => (await harness.device(HALL, "k1"))?.connectivity === "offline", "offline");
  });

  it("counts a sequence gap as lost messages and asks the agent for a rebirth", async () => {
    const a = await agent("a1", [kiosk("k1")]);
    await a.telemetry("k1", kioskValues); // seq 1
    a.seq += 3; // seq 2, 3, 4 never sent
    await a.telemetry("k1", kioskValues); // seq 5
    await waitFor(async () => (await harness.get("/api/agents/a1")).lostMessages === 3, "3 lost");
    await waitFor(() => a.commands.some((c) => (c as { cmd: string }).cmd === "rebirth"), "rebirth command");
    expect(harness.aggregator.stats().lostMessages).toBe(3);
  });

  it("dead-letters and counts every kind of invalid message without crashing", async () => {
    const a = await agent("a1", [kiosk("k1")]);
    const raw = await mqtt.connectAsync(broker.url, { clientId: "rogue", reconnectPeriod: 0 });
    try {
      await raw.publishAsync("hallwatch/v1/h1/a1/telemetry", "{}"); // bad topic (missing device)
      await raw.publishAsync("hallwatch/v1/h1/a1/telemetry/k1", "{not json"); // bad JSON
      await raw.publishAsync("hallwatch/v1/h1/a1/telemetry/k1", JSON.stringify({ v: 1, seq: "x" })); // schema
      await raw.publishAsync(
        "hallwatch/v1/h1/ghost/status",
        JSON.stringify({ v: 1, state: "online", session: 1, tsMs: 1 }),
      ); // unknown agent
      await raw.publishAsync(
        "hallwatch/v1/h2/a1/status",
        JSON.stringify({ v: 1, state: "online", session: 1, tsMs: 1 }),
      ); // wrong hall
    } finally {
      await raw.endAsync();
    }
    await a.telemetry("nope", kioskValues); // unknown device
    await a.telemetry("k1", { ...kioskValues, paperPct: 140 }); // values out of range for a kiosk
    await a.telemetry("k1", kioskValues); // and a good one still flows
    const body = await waitFor(async () => {
      const b = await harness.get("/api/dead-letters");
      return Object.values(b.countsByReason as Record<string, number>).reduce((x, y) => x + y, 0) >= 7
        ? b
        : null;
    }, "7 dead letters").catch(async (err) => {
      console.log(await harness.get("/api/dead-letters"));
      throw err;
    });
    expect(body.countsByReason).toEqual({
      bad_topic: 1,
      bad_json: 1,
      schema_mismatch: 2,
      unknown_agent: 1,
      hall_mismatch: 1,
      unknown_device: 1,
    });
    expect(body.items).toHaveLength(7);
    const badJson = body.items.find((i: { reason: string }) => i.reason === "bad_json");
    expect(badJson).toMatchObject({ topic: "hallwatch/v1/h1/a1/telemetry/k1", payloadSample: "{not json" });
    // The good reading comes after the last dead letter: it may still be on its way when the count is reached.
    await waitFor(async () => (await harness.device(HALL, "k1")).values?.paperPct === 80, "the good reading");
    const metrics = await harness.api.inject({ method: "GET", url: "/metrics", headers: harness.headers });
    expect(metrics.body).toMatch(/hallwatch_dead_letters_total\{reason="bad_json"\} 1/);
  });

  it("restores device state from SQLite after a restart", async () => {
    const a = await agent("a1", [kiosk("k1")]);
    await a.telemetry("k1", { ...kioskValues, diskPct: 77 });
    await waitFor(async () => (await harness.device(HALL, "k1"))?.values?.diskPct === 77, "values");
    await a.stop();
    await harness.stopAggregator();
    await broker.close();

    broker = await startPlainBroker();
    const restarted = new AggregatorHarness(broker.url);
    Object.assign(restarted, { dataDir: harness.dataDir });
    restarted.openDb();
    harness = restarted;
    await restarted.start();
    const k1 = await restarted.device(HALL, "k1");
    expect(k1).toMatchObject({ kind: "kiosk", agentId: "a1", values: { diskPct: 77 } });
    expect(k1.connectivity).toBe("online");
  });

  it("makes devices unknown, never offline, while the broker is gone, and causes no offline storm after", async () => {
    const a = await agent("a1", [kiosk("k1")]);
    await a.telemetry("k1", kioskValues);
    await waitFor(async () => (await harness.device(HALL, "k1"))?.connectivity === "online", "online");
    const port = broker.port;
    await a.stop();
    await broker.close();
    await waitFor(async () => (await harness.device(HALL, "k1"))?.connectivity === "unknown", "unknown");
    const health = await harness.api.inject({ method: "GET", url: "/api/health" });
    expect(health.statusCode).toBe(503);
    broker = await startPlainBroker(port);
    await waitFor(() => harness.aggregator.isBrokerConnected, "reconnected", 10_000);
    // The kiosk's silence timeout (30 s floor) restarts from the reconnection: still unknown, not offline.
    await sleep(500);
    expect((await harness.device(HALL, "k1")).connectivity).toBe("unknown");
  });
});
