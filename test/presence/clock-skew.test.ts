import { afterEach, describe, expect, it } from "vitest";
import type { AggregatorEvents } from "../../src/aggregator/events.js";
import type { BirthDevice } from "../../src/contract/index.js";
import { telemetryPoint } from "../../src/influx/to-points.js";
import { AggregatorHarness } from "../aggregator/harness.js";
import { type PlainBroker, startPlainBroker } from "../helpers/plain-broker.js";
import { kioskValues, RawAgent } from "../helpers/raw-agent.js";
import { sleep, waitFor } from "../helpers/wait.js";
import { PresenceStack } from "./stack.js";

const HOUR_MS = 3_600_000;
const kiosk: BirthDevice = {
  id: "k1",
  kind: "kiosk",
  model: "K100",
  zone: "self-service",
  reportIntervalSec: 10,
};

describe("agent clock skew (issue 12, defect 24)", { timeout: 60_000 }, () => {
  let broker: PlainBroker | undefined;
  let harness: AggregatorHarness | undefined;
  let stack: PresenceStack | undefined;
  let agent: RawAgent | undefined;

  afterEach(async () => {
    await agent?.stop().catch(() => undefined);
    await harness?.close();
    await broker?.close();
    await stack?.close();
    agent = undefined;
    harness = undefined;
    broker = undefined;
    stack = undefined;
  });

  it("defect 24: a +1 h agent's live points are stored at receive time and its skew shows on the device", async () => {
    broker = await startPlainBroker();
    harness = new AggregatorHarness(broker.url);
    harness.openDb();
    await harness.provision("h1", ["a1"]);
    await harness.start();
    const points: { timeMs: number; receivedMs: number }[] = [];
    harness.aggregator.bus.on("telemetry", (e: AggregatorEvents["telemetry"]) =>
      points.push({ timeMs: telemetryPoint(e).timeMs, receivedMs: e.receivedMs }),
    );
    agent = new RawAgent(broker.url, "h1", "a1", 1, [kiosk]);
    await agent.connect();
    await agent.online();
    await agent.birth();
    const sentMs = Date.now();
    await agent.telemetry("k1", kioskValues, { tsMs: sentMs + HOUR_MS }); // live, agent clock 1 h ahead
    await waitFor(() => points.length === 1, "live point");
    expect(Math.abs(points[0]!.timeMs - points[0]!.receivedMs)).toBeLessThan(1000);
    expect(Math.abs(points[0]!.timeMs - sentMs)).toBeLessThan(30_000);
    const device = await harness.device("h1", "k1");
    expect(device.clockSkewMs).toBeGreaterThan(HOUR_MS - 30_000);
    expect(device.clockSkewMs).toBeLessThan(HOUR_MS + 30_000);
    expect(harness.aggregator.stats().clockSkewedMessages).toBe(1);
    const metrics = await harness.api.inject({ method: "GET", url: "/metrics", headers: harness.headers });
    expect(metrics.body).toMatch(/hallwatch_clock_skewed_messages_total 1\b/);
    // A replay from the agent's spool keeps the agent's time: that is when it happened.
    const pastMs = sentMs - 2 * HOUR_MS;
    await agent.telemetry("k1", kioskValues, { tsMs: pastMs, historical: true });
    await waitFor(() => points.length === 2, "historical point");
    expect(points[1]!.timeMs).toBe(pastMs);
    // A correct clock clears the skew.
    await agent.telemetry("k1", kioskValues);
    await waitFor(async () => (await harness!.device("h1", "k1")).clockSkewMs === null, "skew cleared");
    expect(Math.abs(points[2]!.timeMs - points[2]!.receivedMs)).toBeLessThan(1000);
  });

  it("defect 24: a skew that persists raises a warning alert for maintenance, resolved when the clock is right", async () => {
    stack = new PresenceStack({ clockSkew: { thresholdSec: 30, alertAfterSec: 1 } });
    await stack.start();
    agent = await stack.provision("hall-24", "agent-24", [kiosk]);
    await agent.connect();
    await agent.online();
    await agent.birth();
    for (let i = 0; i < 4; i++) {
      await agent.telemetry("k1", kioskValues, { tsMs: Date.now() + HOUR_MS });
      await sleep(500);
    }
    const alert = await waitFor(
      async () => (await stack!.alerts("hall-24")).find((a) => a.faultType === "clock_skew"),
      "skew alert",
    );
    expect(alert).toMatchObject({ severity: "warning", agentId: "agent-24", status: "open" });
    expect(alert.audience).toContain("maintenance");
    await agent.telemetry("k1", kioskValues);
    await waitFor(
      async () => (await stack!.get(`/api/alerts/${alert.id}`)).status === "resolved",
      "resolved when the clock is right",
    );
  });
});
