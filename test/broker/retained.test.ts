import type { MqttClient } from "mqtt";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { topics } from "../../src/contract/index.js";
import { sleep } from "../helpers/wait.js";
import { type Credentials, HALL, Harness, provision } from "./harness.js";

let creds: Credentials;
let harness: Harness;

beforeAll(async () => {
  creds = await provision();
});

afterEach(async () => {
  await harness.cleanup();
});

/** What a subscriber connecting now gets as retained messages: topic → payload bytes. */
async function retainedNow(): Promise<Map<string, number>> {
  const service = await harness.connect({
    clientId: `_aggregator-probe-${Math.random().toString(36).slice(2)}`,
    username: "_aggregator",
    password: creds.serviceSecret,
  });
  const retained = new Map<string, number>();
  service.on("message", (topic, payload, packet) => {
    if (packet.retain) retained.set(topic, payload.length);
  });
  await service.subscribeAsync("hallwatch/#", { qos: 1 });
  await sleep(300);
  await service.endAsync(true);
  return retained;
}

async function publishRetained(client: MqttClient, topic: string, bytes: number): Promise<void> {
  await client.publishAsync(topic, Buffer.alloc(bytes, 0x61), { qos: 1, retain: true });
}

describe("retained messages on the embedded broker", () => {
  it("defect 14: retained telemetry is not retained, but is still delivered", async () => {
    harness = new Harness(creds);
    await harness.start();
    const live = await harness.service();
    const delivered: string[] = [];
    live.on("message", (topic) => delivered.push(topic));
    const agent = await harness.agent("agent-a");
    const topic = topics.telemetry(HALL, "agent-a", "kiosk-1");
    await publishRetained(agent, topic, 100);
    await sleep(200);
    expect(delivered).toContain(topic);
    expect(agent.connected).toBe(true);
    expect([...(await retainedNow()).keys()]).not.toContain(topic);
  });

  it("defect 14: one agent cannot fill the broker with retained messages", async () => {
    harness = new Harness(creds);
    await harness.start({ maxPayloadBytes: 4096 });
    const agent = await harness.agent("flooder");
    for (let i = 0; i < 300; i++) {
      const topic =
        i % 2 === 0
          ? topics.telemetry(HALL, "flooder", `dev-${i}`)
          : topics.event(HALL, "flooder", `dev-${i}`);
      await publishRetained(agent, topic, 4000);
    }
    await publishRetained(agent, topics.reply(HALL, "flooder"), 4000);
    const retained = await retainedNow();
    const mine = [...retained.entries()].filter(([t]) => t.includes("/flooder/"));
    expect(mine).toEqual([]);
    expect(harness.broker.stats()).toMatchObject({ retainedMessages: 0, retainedBytes: 0 });
  });

  it("defect 14: an agent's status and birth are still retained", async () => {
    harness = new Harness(creds);
    await harness.start();
    const agent = await harness.agent("agent-a");
    await publishRetained(agent, topics.agentStatus(HALL, "agent-a"), 60);
    await publishRetained(agent, topics.birth(HALL, "agent-a"), 2000);
    const retained = await retainedNow();
    expect(retained.get(topics.agentStatus(HALL, "agent-a"))).toBe(60);
    expect(retained.get(topics.birth(HALL, "agent-a"))).toBe(2000);
    expect(harness.broker.stats()).toMatchObject({ retainedMessages: 2, retainedBytes: 2060 });
  });

  it("defect 14: an agent cannot retain more than its cap; the publish is delivered without the retain flag", async () => {
    harness = new Harness(creds);
    await harness.start({ maxPayloadBytes: 4096, maxRetainedBytesPerAgent: 3000 });
    const live = await harness.service();
    const delivered: string[] = [];
    live.on("message", (topic) => delivered.push(topic));
    const agent = await harness.agent("agent-b");
    const status = topics.agentStatus(HALL, "agent-b");
    const birth = topics.birth(HALL, "agent-b");
    await publishRetained(agent, status, 1000);
    await publishRetained(agent, birth, 1500);
    await publishRetained(agent, birth, 2500); // 1000 + 2500 is over the cap
    await sleep(200);
    expect(delivered.filter((t) => t === birth)).toHaveLength(2);
    const retained = await retainedNow();
    expect(retained.get(status)).toBe(1000);
    expect(retained.get(birth)).toBe(1500);
    await publishRetained(agent, birth, 1900); // replaces the retained birth: 2900 is within the cap
    expect((await retainedNow()).get(birth)).toBe(1900);
    expect(harness.broker.stats().retainRefused).toBe(1);
  });

  it("defect 14: an empty retained publish clears the agent's retained message", async () => {
    harness = new Harness(creds);
    await harness.start();
    const agent = await harness.agent("agent-c");
    await publishRetained(agent, topics.birth(HALL, "agent-c"), 500);
    await publishRetained(agent, topics.birth(HALL, "agent-c"), 0);
    expect([...(await retainedNow()).keys()]).not.toContain(topics.birth(HALL, "agent-c"));
    expect(harness.broker.stats()).toMatchObject({ retainedMessages: 0, retainedBytes: 0 });
  });
});
