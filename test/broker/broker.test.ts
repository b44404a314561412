import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { topics } from "../../src/contract/index.js";
import { sleep, waitFor } from "../helpers/wait.js";
import {
  type Credentials,
  closed,
  HALL,
  Harness,
  inbox,
  provision,
  refusalCode,
  SERVICE,
} from "./harness.js";

let creds: Credentials;
let h: Harness;

beforeAll(async () => {
  creds = await provision();
});
beforeEach(async () => {
  h = new Harness(creds);
  await h.start();
});
afterEach(async () => {
  await h.cleanup();
});

describe("authentication", () => {
  it("accepts an agent with its own secret and counts it", async () => {
    const client = await h.agent("agent-a");
    expect(client.connected).toBe(true);
    expect(h.broker.stats()).toMatchObject({ connectionsAccepted: 1, connectionsRefused: 0, clients: 1 });
  });

  it("refuses a wrong password, an unknown user and missing credentials with 'bad username or password'", async () => {
    expect(
      await refusalCode(h.connect({ clientId: "agent-a", username: "agent-a", password: "wrong" })),
    ).toBe(4);
    expect(await refusalCode(h.connect({ clientId: "ghost", username: "ghost", password: "whatever" }))).toBe(
      4,
    );
    expect(await refusalCode(h.connect({ clientId: "agent-a" }))).toBe(4);
    expect(await refusalCode(h.connect({ clientId: "agent-a", username: "agent-a" }))).toBe(4);
    expect(h.broker.stats().connectionsRefused).toBe(4);
  });

  it("refuses an agent whose client id is not its agent id, and a service posing as an agent", async () => {
    expect(await refusalCode(h.agent("agent-a", { clientId: "agent-b" }))).toBe(2);
    expect(
      await refusalCode(h.connect({ clientId: "agent-a", username: SERVICE, password: creds.serviceSecret })),
    ).toBe(2);
  });

  it("refuses a last will on another agent's status topic, or one too large", async () => {
    const foreign = {
      topic: topics.agentStatus(HALL, "agent-b"),
      payload: Buffer.from("{}"),
      qos: 1 as const,
      retain: true,
    };
    expect(await refusalCode(h.agent("agent-a", { will: foreign }))).toBe(5);
    const huge = {
      ...foreign,
      topic: topics.agentStatus(HALL, "agent-a"),
      payload: Buffer.alloc(4097, 0x20),
    };
    expect(await refusalCode(h.agent("agent-a", { will: huge }))).toBe(5);
    const own = { ...foreign, topic: topics.agentStatus(HALL, "agent-a") };
    expect((await h.agent("agent-a", { will: own })).connected).toBe(true);
  });

  it("publishes an agent's own will when its connection dies", async () => {
    const svc = await h.service();
    const seen = inbox(svc);
    const will = {
      topic: topics.agentStatus(HALL, "agent-a"),
      payload: Buffer.from("gone"),
      qos: 1 as const,
      retain: true,
    };
    const a = await h.agent("agent-a", { will });
    a.stream.destroy();
    await waitFor(() => seen.some((m) => m.topic === will.topic && m.payload === "gone"), "the will");
    expect(h.broker.stats().publishesRefused).toBe(0);
  });

  it("refuses a revoked agent, and the old secret after a rotation", async () => {
    const { secret } = await creds.store.provisionAgent(HALL, "agent-r");
    const options = { clientId: "agent-r", username: "agent-r", password: secret };
    await (await h.connect(options)).endAsync();
    await creds.store.revokeAgent("agent-r");
    expect(await refusalCode(h.connect(options))).toBe(4);
    const rotated = await creds.store.rotateAgentSecret("agent-r");
    expect(await refusalCode(h.connect(options))).toBe(4);
    expect((await h.connect({ ...options, password: rotated.secret })).connected).toBe(true);
  });

  it("ends a live connection once its agent is revoked or its secret rotated", async () => {
    await h.start({ recheckCredentialsMs: 50 });
    const { secret } = await creds.store.provisionAgent(HALL, "agent-live");
    const options = { clientId: "agent-live", username: "agent-live", password: secret };
    const live = await h.connect(options);
    const other = await h.agent("agent-a");
    const gone = closed(live);
    await creds.store.revokeAgent("agent-live");
    await gone;
    const rotated = await creds.store.rotateAgentSecret("agent-live");
    const again = await h.connect({ ...options, password: rotated.secret });
    const goneAgain = closed(again);
    await creds.store.rotateAgentSecret("agent-live");
    await goneAgain;
    expect(other.connected).toBe(true);
    expect(h.broker.stats().credentialDisconnects).toBe(2);
  });

  it("keeps one live connection per agent id: a second connect takes over", async () => {
    const first = await h.agent("agent-c");
    const firstClosed = closed(first);
    const second = await h.agent("agent-c");
    await firstClosed;
    expect(second.connected).toBe(true);
    await waitFor(() => h.broker.stats().clients === 1, "one live client");
  });
});

describe("authorisation", () => {
  it("delivers an agent's publish under its own prefix to the service, and a command back", async () => {
    const svc = await h.service();
    const seen = inbox(svc);
    const a = await h.agent("agent-a");
    const commands = inbox(a);
    await a.subscribeAsync(topics.command(HALL, "agent-a"), { qos: 1 });
    await a.publishAsync(topics.telemetry(HALL, "agent-a", "k1"), "{}", { qos: 1 });
    await waitFor(() => seen.some((m) => m.topic === topics.telemetry(HALL, "agent-a", "k1")), "telemetry");
    await svc.publishAsync(topics.command(HALL, "agent-a"), "rebirth", { qos: 1 });
    await waitFor(() => commands.some((m) => m.payload === "rebirth"), "the command");
  });

  it("refuses agent A publishing under agent B's prefix; B's topic never sees it", async () => {
    const svc = await h.service();
    const seen = inbox(svc);
    const a = await h.agent("agent-a");
    const gone = closed(a);
    a.publish(topics.agentStatus(HALL, "agent-b"), '{"state":"offline"}', { qos: 0 });
    await gone; // a refused publish closes the connection [MQTT-3.3.5-2]
    await sleep(100);
    expect(seen.filter((m) => m.topic.includes("agent-b"))).toHaveLength(0);
    expect(h.broker.stats().publishesRefused).toBe(1);
  });

  it("refuses an agent publishing to its own command topic, outside the grammar, or outside the root", async () => {
    const svc = await h.service();
    const seen = inbox(svc);
    const refused = [
      topics.command(HALL, "agent-a"),
      `${topics.agentPrefix(HALL, "agent-a")}nonsense`,
      `${topics.telemetry(HALL, "agent-a", "k1")}/extra`,
      topics.aggregatorStatus(),
      "other/topic",
    ];
    for (const topic of refused) {
      const a = await h.agent("agent-a");
      const gone = closed(a);
      a.publish(topic, "{}");
      await gone;
    }
    await sleep(100);
    expect(seen).toHaveLength(0);
    expect(h.broker.stats().publishesRefused).toBe(refused.length);
  });

  it("lets the service publish under the root only", async () => {
    const svc = await h.service();
    const gone = closed(svc);
    svc.publish("elsewhere/x", "{}");
    await gone;
    expect(h.broker.stats().publishesRefused).toBe(1);
  });

  it("grants an agent only its command topic and the aggregator status; refusals get 0x80", async () => {
    const a = await h.agent("agent-a");
    // The SUBACK return code; MQTT.js turns 0x80 into an error that carries the SUBACK packet.
    const subscribe = (topic: string) =>
      new Promise<number | undefined>((resolve) =>
        a.subscribe(topic, { qos: 1 }, (err, granted) =>
          resolve(
            err ? (err as { packet?: { granted?: number[] } }).packet?.granted?.[0] : granted?.[0]?.qos,
          ),
        ),
      );
    expect(await subscribe(topics.command(HALL, "agent-a"))).toBe(1);
    expect(await subscribe(topics.aggregatorStatus())).toBe(1);
    const forbidden = [
      topics.command(HALL, "agent-b"),
      "hallwatch/#",
      `hallwatch/v1/${HALL}/+/cmd`,
      "#",
      "$SYS/#",
    ];
    for (const topic of forbidden) expect(await subscribe(topic), topic).toBe(128);
    expect(a.connected).toBe(true);
    expect(h.broker.stats().subscriptionsRefused).toBe(forbidden.length);
  });
});

describe("websocket listener", () => {
  it("accepts an authenticated agent over MQTT-over-WebSocket and enforces the same rules", async () => {
    const svc = await h.service();
    const seen = inbox(svc);
    const a = await h.agent("agent-a", {}, h.wsUrl);
    await a.publishAsync(topics.telemetry(HALL, "agent-a", "ws1"), "via-ws", { qos: 1 });
    await waitFor(() => seen.some((m) => m.payload === "via-ws"), "ws delivery");
    expect(
      await refusalCode(h.connect({ clientId: "agent-b", username: "agent-b", password: "no" }, h.wsUrl)),
    ).toBe(4);
    const gone = closed(a);
    a.publish(topics.telemetry(HALL, "agent-b", "k1"), "{}");
    await gone;
  });
});
