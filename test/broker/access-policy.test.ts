import { describe, expect, it } from "vitest";
import { mayPublish, mayPublishOrphanWill, maySubscribe, mayUseWill } from "../../broker/access-policy.js";
import { topics } from "../../src/contract/index.js";
import type { Principal } from "../../src/store/credentials.js";

const agent: Principal = { type: "agent", agentId: "a1", hallId: "h1", secretHash: "x" };
const service: Principal = { type: "service", serviceId: "_aggregator", secretHash: "x" };

describe("access policy", () => {
  it("lets an agent publish its own data topics only", () => {
    for (const topic of [
      topics.agentStatus("h1", "a1"),
      topics.birth("h1", "a1"),
      topics.telemetry("h1", "a1", "d1"),
      topics.event("h1", "a1", "d1"),
      topics.reply("h1", "a1"),
    ])
      expect(mayPublish(agent, topic), topic).toBe(true);
    for (const topic of [
      topics.command("h1", "a1"),
      topics.telemetry("h1", "a2", "d1"),
      topics.telemetry("h2", "a1", "d1"),
      topics.aggregatorStatus(),
      `${topics.agentPrefix("h1", "a1")}unknown`,
      `${topics.telemetry("h1", "a1", "d1")}/more`,
      `${topics.agentPrefix("h1", "a1")}telemetry/+`,
      "hallwatch/v2/h1/a1/status",
      "$SYS/x",
      "",
    ])
      expect(mayPublish(agent, topic), topic).toBe(false);
  });

  it("lets the service publish under the root only", () => {
    expect(mayPublish(service, topics.command("h1", "a1"))).toBe(true);
    expect(mayPublish(service, topics.aggregatorStatus())).toBe(true);
    expect(mayPublish(service, "other/x")).toBe(false);
    expect(mayPublish(service, "$SYS/x")).toBe(false);
  });

  it("lets an agent subscribe to exactly its command topic and the aggregator status", () => {
    expect(maySubscribe(agent, topics.command("h1", "a1"))).toBe(true);
    expect(maySubscribe(agent, topics.aggregatorStatus())).toBe(true);
    for (const filter of [
      topics.command("h1", "a2"),
      "hallwatch/#",
      "hallwatch/v1/h1/a1/#",
      "#",
      "+/+/+/+/+",
    ])
      expect(maySubscribe(agent, filter), filter).toBe(false);
    expect(maySubscribe(service, "hallwatch/#")).toBe(true);
    expect(maySubscribe(service, "#")).toBe(false);
  });

  it("allows a will only on the principal's own status topic", () => {
    expect(mayUseWill(agent, topics.agentStatus("h1", "a1"))).toBe(true);
    expect(mayUseWill(agent, topics.agentStatus("h1", "a2"))).toBe(false);
    expect(mayUseWill(agent, topics.telemetry("h1", "a1", "d1"))).toBe(false);
    expect(mayUseWill(service, topics.aggregatorStatus())).toBe(true);
    expect(mayUseWill(service, topics.agentStatus("h1", "a1"))).toBe(false);
  });

  it("publishes a will with no client (a stale session's) only on a status topic", () => {
    expect(mayPublishOrphanWill(topics.agentStatus("h1", "a1"))).toBe(true);
    expect(mayPublishOrphanWill(topics.aggregatorStatus())).toBe(true);
    expect(mayPublishOrphanWill(topics.command("h1", "a1"))).toBe(false);
    expect(mayPublishOrphanWill("anything")).toBe(false);
  });
});
