import { afterEach, describe, expect, it } from "vitest";
import { type BirthDevice, topics } from "../../src/contract/index.js";
import { type PlainBroker, startPlainBroker } from "../helpers/plain-broker.js";
import { kioskValues, RawAgent } from "../helpers/raw-agent.js";
import { sleep, waitFor } from "../helpers/wait.js";
import { PresenceStack } from "../presence/stack.js";
import { AggregatorHarness } from "./harness.js";

const HALL = "h1";
const MIN_MS = 60_000;
const kiosk = (id: string, reportIntervalSec = 60): BirthDevice => ({
  id,
  kind: "kiosk",
  model: "K100",
  zone: "self-service",
  reportIntervalSec,
});
const extinguisher = (id: string): BirthDevice => ({
  id,
  kind: "extinguisher",
  model: "EX-6",
  zone: "entrance",
  reportIntervalSec: 900,
});

describe("presence defects (issue 12), aggregator over a real broker", { timeout: 30_000 }, () => {
  let broker: PlainBroker | undefined;
  let harness: AggregatorHarness | undefined;
  const agents: RawAgent[] = [];

  afterEach(async () => {
    for (const a of agents.splice(0)) await a.stop().catch(() => undefined);
    await harness?.close();
    await broker?.close();
    harness = undefined;
    broker = undefined;
  });

  /** An aggregator on a fake clock (its timers are real: they only decide when the clock is read). */
  async function start(clock: { t: number }): Promise<AggregatorHarness> {
    broker = await startPlainBroker();
    harness = new AggregatorHarness(broker.url, { now: () => clock.t });
    harness.openDb();
    await harness.provision(HALL, ["a1", "a2", "gw"]);
    await harness.start();
    return harness;
  }

  async function agent(id: string, devices: BirthDevice[], session = 1): Promise<RawAgent> {
    const a = new RawAgent(broker!.url, HALL, id, session, devices);
    agents.push(a);
    await a.connect();
    await a.online();
    await a.birth();
    return a;
  }

  it("defect 3: a device in a birth that has not reported yet is silent only after its own kind's timeout from the birth", async () => {
    const clock = { t: Date.UTC(2026, 10, 30, 9, 0) };
    const h = await start(clock);
    clock.t += 50 * MIN_MS; // the aggregator has been connected to its broker for 50 min
    await agent("gw", [extinguisher("e1"), kiosk("k1")]); // no data follows
    await waitFor(async () => (await h.device(HALL, "k1"))?.connectivity === "online", "k1 registered");
    await sleep(600); // several silence checks
    expect((await h.device(HALL, "e1")).connectivity).toBe("online");
    expect((await h.device(HALL, "k1")).connectivity).toBe("online");
    clock.t += 170_000; // k1: 3 × 60 s = 180 s is its timeout
    await sleep(400);
    expect((await h.device(HALL, "k1")).connectivity).toBe("online");
    clock.t += 20_000;
    await waitFor(async () => (await h.device(HALL, "k1"))?.connectivity === "offline", "k1 silent");
    expect((await h.device(HALL, "k1")).connectivityReason).toBe("silence");
    expect((await h.device(HALL, "e1")).connectivity).toBe("online");
    clock.t += 40 * MIN_MS; // e1: 3 × 900 s = 45 min after the birth, not after the broker connection
    await sleep(400);
    expect((await h.device(HALL, "e1")).connectivity).toBe("online");
    clock.t += 3 * MIN_MS;
    await waitFor(async () => (await h.device(HALL, "e1"))?.connectivity === "offline", "e1 silent");
  });

  it("defect 8: dead-lettered messages are not counted as duplicates", async () => {
    const clock = { t: Date.now() };
    const h = await start(clock);
    const a = await agent("a1", [kiosk("k1", 1)]);
    await a.telemetry("k1", kioskValues); // seq 1
    await a.telemetry("k1", kioskValues); // seq 2
    // An integrator's rejected messages, with whatever seq their script had at hand.
    const topic = (device: string) => topics.telemetry(HALL, "a1", device);
    await a.publish(topic("nope"), { v: 1, session: 1, seq: 1, tsMs: Date.now(), values: kioskValues });
    await a.publish(topic("k1"), { v: 1, session: 1, seq: 2, tsMs: Date.now(), values: { paperPct: 140 } });
    await a.telemetry("k1", kioskValues); // seq 3
    await waitFor(async () => {
      const counts = (await h.get("/api/dead-letters")).countsByReason as Record<string, number>;
      return (counts.unknown_device ?? 0) + (counts.schema_mismatch ?? 0) === 2;
    }, "two dead letters");
    await waitFor(async () => (await h.device(HALL, "k1"))?.lastSeenMs !== null, "k1 seen");
    await sleep(200);
    expect(h.aggregator.stats().duplicateMessages).toBe(0);
    expect(h.aggregator.stats().lostMessages).toBe(0);
    expect((await h.get("/api/agents/a1")).duplicateMessages).toBe(0);
  });

  it("defect 7: a rebirth request is repeated with backoff until the agent, subscribed late, answers with a birth", async () => {
    broker = await startPlainBroker();
    harness = new AggregatorHarness(broker.url, { rebirthRetry: { initialDelayMs: 200, maxDelayMs: 800 } });
    harness.openDb();
    await harness.provision(HALL, ["a1"]);
    await harness.start();
    const a = new RawAgent(broker.url, HALL, "a1", 7, [kiosk("k1", 1)]);
    agents.push(a);
    await a.connect({ subscribe: false });
    await a.online();
    // Data of a session whose birth the aggregator never saw: it asks for a rebirth, which nobody hears yet.
    await a.telemetry("k1", kioskValues);
    await waitFor(() => harness!.aggregator.stats().rebirthRequests >= 1, "first request");
    await a.subscribeCommands();
    await waitFor(
      () => a.commands.some((c) => (c as { cmd: string }).cmd === "rebirth"),
      "a repeated request",
      10_000,
    );
    await a.birth();
    await waitFor(async () => (await harness!.device(HALL, "k1"))?.connectivity === "online", "born");
    await sleep(300);
    const after = harness.aggregator.stats().rebirthRequests;
    await sleep(2000); // well beyond the capped delay: no more requests once the birth arrived
    expect(harness.aggregator.stats().rebirthRequests).toBe(after);
  });
});

describe("presence defects (issue 12), whole server", { timeout: 60_000 }, () => {
  let stack: PresenceStack | undefined;

  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it("defect 3: a silent battery sensor and a kiosk, then their agent dies: exactly one alert", async () => {
    // Short fixed timeouts so the server has been up longer than them when the birth comes.
    stack = new PresenceStack({ presence: { timeoutSecByKind: { kiosk: 6, extinguisher: 6 } } });
    await stack.start();
    const hub = await stack.provision("hall-3", "hub-3", [extinguisher("ext-1"), kiosk("kiosk-1", 900)]);
    await sleep(6500);
    await hub.connect();
    await hub.online();
    await hub.birth(); // and then nothing: a battery sensor reports every 15 min
    await waitFor(
      async () => (await stack!.get("/api/devices/hall-3/ext-1")).connectivity === "online",
      "registered",
    );
    await sleep(2000);
    expect((await stack.get("/api/devices/hall-3/kiosk-1")).connectivity).toBe("online");
    hub.kill();
    const alert = await waitFor(
      async () => (await stack!.alerts("hall-3")).find((a) => a.faultType === "agent_offline"),
      "agent alert",
    );
    expect([...alert.affected].sort()).toEqual(["ext-1", "kiosk-1"]);
    await sleep(1500);
    expect((await stack.alerts("hall-3")).map((a) => a.faultType)).toEqual(["agent_offline"]);
  });
});
