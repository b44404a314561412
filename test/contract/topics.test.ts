import { describe, expect, it } from "vitest";
import { parseTopic, SYSTEM_HALL_ID, topics } from "../../src/contract/index.js";

describe("topic grammar", () => {
  it("round-trips every agent topic", () => {
    expect(parseTopic(topics.agentStatus("h1", "a1"))).toEqual({
      type: "status",
      hallId: "h1",
      agentId: "a1",
    });
    expect(parseTopic(topics.birth("h1", "a1"))).toEqual({ type: "birth", hallId: "h1", agentId: "a1" });
    expect(parseTopic(topics.telemetry("h1", "a1", "k-01"))).toEqual({
      type: "telemetry",
      hallId: "h1",
      agentId: "a1",
      deviceId: "k-01",
    });
    expect(parseTopic(topics.event("h1", "a1", "k-01"))).toMatchObject({ type: "event", deviceId: "k-01" });
    expect(parseTopic(topics.command("h1", "a1"))).toMatchObject({ type: "cmd" });
    expect(parseTopic(topics.reply("h1", "a1"))).toMatchObject({ type: "reply" });
    expect(parseTopic(topics.aggregatorStatus())).toEqual({ type: "aggregator_status" });
  });

  it("parses the alert topic of the reserved system hall, where admin alerts (disk full, device conflicts) go", () => {
    expect(parseTopic(topics.alertEvents("h1"))).toEqual({ type: "alert_event", hallId: "h1" });
    expect(parseTopic(topics.alertEvents(SYSTEM_HALL_ID))).toEqual({
      type: "alert_event",
      hallId: "_system",
    });
  });

  it.each([
    "hallwatch/v2/h1/a1/status",
    "other/v1/h1/a1/status",
    "hallwatch/v1/h1/a1/status/extra",
    "hallwatch/v1/h1/a1/telemetry",
    "hallwatch/v1/H1/a1/status",
    "hallwatch/v1/_h/a1/status",
    "hallwatch/v1/h1/a1/unknown",
    "hallwatch/v1/h1/a+/status",
    "hallwatch/v1/h1//status",
    "",
  ])("rejects %s", (topic) => {
    expect(parseTopic(topic)).toBeNull();
  });

  it("keeps every agent topic under the agent's prefix", () => {
    const prefix = topics.agentPrefix("h1", "a1");
    for (const t of [
      topics.agentStatus("h1", "a1"),
      topics.birth("h1", "a1"),
      topics.telemetry("h1", "a1", "d"),
      topics.event("h1", "a1", "d"),
      topics.reply("h1", "a1"),
      topics.command("h1", "a1"),
    ]) {
      expect(t.startsWith(prefix)).toBe(true);
    }
  });
});
