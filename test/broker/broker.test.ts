import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HallwatchBroker } from "../../broker/broker.js";
import { topics } from "../../src/contract/index.js";
import { silentLogger } from "../../src/logging.js";
import { CredentialStore } from "../../src/store/credentials.js";
import { openDatabase } from "../../src/store/database.js";
import { HallStore } from "../../src/store/halls.js";
import { sleep, waitFor } from "../helpers/wait.js";

const H = "hall-a";
let broker: HallwatchBroker;
let url: string;
let wsUrl: string;
let store: CredentialStore;
const secrets: Record<string, string> = {};
let serviceSecret: string;
const clients: MqttClient[] = [];

async function connect(options: IClientOptions, transportUrl = url): Promise<MqttClient> {
  const client = await mqtt.connectAsync(transportUrl, {
    reconnectPeriod: 0,
    connectTimeout: 3000,
    ...options,
  });
  clients.push(client);
  return client;
}

const asAgent = (agentId: string, extra: IClientOptions = {}) =>
  connect({ clientId: agentId, username: agentId, password: secrets[agentId], ...extra });

async function service(): Promise<MqttClient> {
  const client = await connect({
    clientId: "_aggregator-test",
    username: "_aggregator",
    password: serviceSecret,
  });
  await client.subscribeAsync("hallwatch/#", { qos: 1 });
  return client;
}

function received(client: MqttClient): { topic: string; payload: string }[] {
  const list: { topic: string; payload: string }[] = [];
  client.on("message", (topic, payload) => list.push({ topic, payload: payload.toString() }));
  return list;
}

function closed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => {
    if (client.disconnected || !client.connected) resolve();
    client.once("close", () => resolve());
  });
}

beforeAll(async () => {
  const db = openDatabase(":memory:");
  new HallStore(db).upsert({ id: H, name: "Hall A" });
  store = new CredentialStore(db);
  for (const id of ["agent-a", "agent-b", "agent-c", "flooder"])
    secrets[id] = (await store.provisionAgent(H, id)).secret;
  serviceSecret = await store.setServiceSecret("_aggregator");
  broker = new HallwatchBroker({
    host: "127.0.0.1",
    mqttPort: 0,
    wsPort: 0,
    credentials: store,
    logger: silentLogger(),
    maxPayloadBytes: 4096,
    publishRatePerSec: 100,
    publishBurst: 100,
  });
  const ports = await broker.start();
  url = `mqtt://127.0.0.1:${ports.mqttPort}`;
  wsUrl = `ws://127.0.0.1:${ports.wsPort}`;
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true).catch(() => undefined)));
});

afterAll(async () => {
  await broker.stop();
});

describe("authentication", () => {
  it("accepts an agent with its own secret", async () => {
    const client = await asAgent("agent-a");
    expect(client.connected).toBe(true);
  });

  it.each([
    ["a wrong password", { clientId: "agent-a", username: "agent-a", password: "wrong" }],
    ["an unknown user", { clientId: "ghost", username: "ghost", password: "whatever" }],
    ["no credentials", { clientId: "agent-a" }],
    ["a client id that is not the agent id", { clientId: "other", username: "agent-a", password: "" }],
  ])("refuses %s", async (_what, options) => {
    const opts = { ...options } as IClientOptions;
    if (opts.username === "agent-a" && opts.password === "") opts.password = secrets["agent-a"];
    await expect(connect(opts)).rejects.toThrow();
  });

  it("refuses a last will on another agent's status topic", async () => {
    await expect(
      asAgent("agent-a", {
        will: { topic: topics.agentStatus(H, "agent-b"), payload: Buffer.from("{}"), qos: 1, retain: true },
      }),
    ).rejects.toThrow(/[Nn]ot authorized/);
  });

  it("refuses a revoked agent and accepts it again after rotation", async () => {
    const db = openDatabase(":memory:");
    new HallStore(db).upsert({ id: H, name: "x" });
    const local = new CredentialStore(db);
    const { secret } = await local.provisionAgent(H, "agent-r");
    const b = new HallwatchBroker({
      host: "127.0.0.1",
      mqttPort: 0,
      wsPort: null,
      credentials: local,
      logger: silentLogger(),
    });
    const { mqttPort } = await b.start();
    const u = `mqtt://127.0.0.1:${mqttPort}`;
    try {
      const ok = await connect({ clientId: "agent-r", username: "agent-r", password: secret }, u);
      await ok.endAsync();
      local.revokeAgent("agent-r");
      await expect(
        connect({ clientId: "agent-r", username: "agent-r", password: secret }, u),
      ).rejects.toThrow();
      const rotated = await local.rotateAgentSecret("agent-r");
      await expect(
        connect({ clientId: "agent-r", username: "agent-r", password: secret }, u),
      ).rejects.toThrow();
      const again = await connect({ clientId: "agent-r", username: "agent-r", password: rotated.secret }, u);
      expect(again.connected).toBe(true);
      await again.endAsync();
    } finally {
      await b.stop();
    }
  });

  it("keeps one live connection per agent id (the newer one takes over)", async () => {
    const first = await asAgent("agent-c");
    const firstClosed = closed(first);
    const second = await asAgent("agent-c");
    await firstClosed;
    expect(second.connected).toBe(true);
  });
});

describe("authorisation", () => {
  it("delivers an agent's publish under its own prefix to the service", async () => {
    const svc = await service();
    const inbox = received(svc);
    const a = await asAgent("agent-a");
    await a.publishAsync(topics.telemetry(H, "agent-a", "k1"), "{}", { qos: 1 });
    await waitFor(() => inbox.some((m) => m.topic === topics.telemetry(H, "agent-a", "k1")), "delivery");
  });

  it("refuses agent A publishing under agent B's prefix; the message never arrives", async () => {
    const svc = await service();
    const inbox = received(svc);
    const a = await asAgent("agent-a");
    const gone = closed(a);
    a.publish(
      topics.agentStatus(H, "agent-b"),
      JSON.stringify({ v: 1, state: "offline", session: 1, tsMs: 1 }),
      { qos: 0 },
    );
    await gone; // a refused publish closes the connection [MQTT-3.3.5-2]
    await sleep(100);
    expect(inbox.filter((m) => m.topic.includes("agent-b"))).toHaveLength(0);
    expect(broker.stats().publishesRefused).toBeGreaterThan(0);
  });

  it("refuses an agent publishing to its own command topic, or outside the grammar", async () => {
    for (const topic of [
      topics.command(H, "agent-a"),
      "hallwatch/v1/hall-a/agent-a/nonsense",
      "other/topic",
    ]) {
      const a = await asAgent("agent-a");
      const gone = closed(a);
      a.publish(topic, "{}");
      await gone;
    }
  });

  it("lets an agent subscribe only to its command topic and the aggregator status", async () => {
    const a = await asAgent("agent-a");
    for (const allowed of [topics.command(H, "agent-a"), topics.aggregatorStatus()]) {
      const granted = await a.subscribeAsync(allowed, { qos: 1 });
      expect(granted.map((g) => g.qos)).toEqual([1]);
    }
    // MQTT.js reports a SUBACK failure code (0x80) as an error.
    for (const forbidden of [topics.command(H, "agent-b"), "hallwatch/#", "hallwatch/v1/hall-a/+/cmd"]) {
      await expect(a.subscribeAsync(forbidden, { qos: 1 })).rejects.toThrow(/[Ss]ubscribe error/);
    }
    expect(a.connected).toBe(true);
  });
});

describe("limits", () => {
  it("refuses an oversized payload and closes that connection, the broker stays up", async () => {
    const a = await asAgent("agent-a");
    const gone = closed(a);
    a.publish(topics.telemetry(H, "agent-a", "k1"), Buffer.alloc(64 * 1024, 0x20));
    await gone;
    expect(broker.stats().oversizedRefused).toBeGreaterThan(0);
    const b = await asAgent("agent-b");
    expect(b.connected).toBe(true);
  });

  it("cuts a connection whose packet header announces more than the limit, before the body arrives", async () => {
    const { connect: tcpConnect } = await import("node:net");
    const before = broker.stats().oversizedRefused;
    const socket = tcpConnect(Number(new URL(url).port), "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    // PUBLISH, remaining length 200 MB (varint 0x80 0x84 0xAF 0x5F), and no body at all.
    socket.write(Buffer.from([0x30, 0x80, 0x84, 0xaf, 0x5f]));
    await new Promise((resolve) => socket.once("close", resolve));
    expect(broker.stats().oversizedRefused).toBe(before + 1);
  });

  it("survives a QoS 0 flood from one client while other agents' messages keep flowing", async () => {
    const svc = await service();
    const inbox = received(svc);
    const flooder = await asAgent("flooder");
    const a = await asAgent("agent-a");
    const payload = JSON.stringify({ v: 1, n: 0 });
    for (let i = 0; i < 50_000; i++)
      flooder.publish(topics.telemetry(H, "flooder", "x"), payload, { qos: 0 });
    const sentMs = Date.now();
    await a.publishAsync(topics.telemetry(H, "agent-a", "k1"), "still-here", { qos: 1 });
    await waitFor(
      () => inbox.some((m) => m.payload === "still-here"),
      "agent-a's message during the flood",
      3000,
    );
    expect(Date.now() - sentMs).toBeLessThan(3000);
    expect(broker.stats().throttleEvents).toBeGreaterThan(0);
    const delivered = inbox.filter((m) => m.topic.includes("flooder")).length;
    expect(delivered).toBeLessThan(50_000); // throttled, not all at once
  });
});

describe("websocket listener", () => {
  it("accepts an authenticated agent over MQTT-over-WebSocket and enforces the same ACL", async () => {
    const svc = await service();
    const inbox = received(svc);
    const a = await connect(
      { clientId: "agent-a", username: "agent-a", password: secrets["agent-a"] },
      wsUrl,
    );
    await a.publishAsync(topics.telemetry(H, "agent-a", "ws1"), "via-ws", { qos: 1 });
    await waitFor(() => inbox.some((m) => m.payload === "via-ws"), "ws delivery");
    await expect(
      connect({ clientId: "agent-a", username: "agent-a", password: "nope" }, wsUrl),
    ).rejects.toThrow();
  });
});
