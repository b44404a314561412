import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BirthDevice } from "../../src/contract/index.js";
import { type PlainBroker, startPlainBroker } from "../helpers/plain-broker.js";
import { kioskValues, RawAgent } from "../helpers/raw-agent.js";
import { waitFor } from "../helpers/wait.js";
import { AggregatorHarness } from "./harness.js";

const HALL = "h1";
const kiosk = (id: string): BirthDevice => ({
  id,
  kind: "kiosk",
  model: "K100",
  zone: "self-service",
  reportIntervalSec: 1,
});

/** The ingest path answers from memory; these are the agents memory did not hold when their messages came. */
describe("aggregator: agents not in memory", () => {
  let broker: PlainBroker;
  let harness: AggregatorHarness;
  const agents: RawAgent[] = [];

  beforeEach(async () => {
    broker = await startPlainBroker();
    harness = new AggregatorHarness(broker.url, { agentRefreshMs: 3_600_000 });
    harness.openDb();
    await harness.provision(HALL, ["a1"]);
    await harness.start();
  });

  afterEach(async () => {
    for (const a of agents.splice(0)) await a.stop().catch(() => undefined);
    await harness.close();
    await broker.close();
  });

  async function connect(id: string): Promise<RawAgent> {
    const a = new RawAgent(broker.url, HALL, id, 1, [kiosk(`${id}-k1`)]);
    agents.push(a);
    await a.connect();
    return a;
  }

  it("takes every message, in order, of an agent provisioned after the aggregator started", async () => {
    await harness.provision(HALL, ["late"]); // not reloaded for an hour: found by a lookup
    const a = await connect("late");
    await a.online();
    await a.birth();
    await a.telemetry("late-k1", { ...kioskValues, paperPct: 37 });
    const k1 = await waitFor(async () => {
      const d = await harness.device(HALL, "late-k1");
      return d?.values?.paperPct === 37 ? d : null;
    }, "late-k1 values");
    expect(k1).toMatchObject({ connectivity: "online", agentId: "late" });
    const letters = await harness.get("/api/dead-letters");
    expect(letters.countsByReason).toEqual({});
  });

  it("dead-letters the messages of an agent that is not provisioned", async () => {
    const a = await connect("ghost");
    await a.online();
    await a.birth();
    const letters = await waitFor(async () => {
      const b = await harness.get("/api/dead-letters");
      return b.countsByReason.unknown_agent === 2 ? b : null;
    }, "2 unknown_agent dead letters");
    expect(letters.countsByReason).toEqual({ unknown_agent: 2 });
    expect(await harness.device(HALL, "ghost-k1")).toBeNull();
  });

  it("refuses a revoked agent's messages once the agents are reloaded", async () => {
    const a = await connect("a1");
    await a.online();
    await a.birth();
    await waitFor(async () => (await harness.device(HALL, "a1-k1"))?.connectivity === "online", "online");
    harness.db.prepare("UPDATE agents SET revoked_ms = 1 WHERE id = 'a1'").run();
    await harness.aggregator.refreshAgents();
    await a.telemetry("a1-k1", { ...kioskValues, paperPct: 11 });
    await waitFor(
      async () => (await harness.get("/api/dead-letters")).countsByReason.unknown_agent === 1,
      "refused",
    );
    expect((await harness.device(HALL, "a1-k1")).values?.paperPct).not.toBe(11);
  });

  it("takes a revoked agent's devices offline by its will, though it no longer counts as provisioned", async () => {
    const a = await connect("a1");
    await a.online();
    await a.birth();
    await waitFor(async () => (await harness.device(HALL, "a1-k1"))?.connectivity === "online", "online");
    harness.db.prepare("UPDATE agents SET revoked_ms = 1 WHERE id = 'a1'").run();
    await harness.aggregator.refreshAgents();
    a.kill(); // the broker cuts the revoked agent off and publishes its will
    await waitFor(
      async () => (await harness.device(HALL, "a1-k1"))?.connectivity === "offline",
      "the revoked agent's device offline",
    );
    expect((await harness.get("/api/dead-letters")).countsByReason.unknown_agent ?? 0).toBe(0);
  });
});
