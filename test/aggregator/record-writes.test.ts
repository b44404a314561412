import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type BirthDevice, topics } from "../../src/contract/index.js";
import { fillable } from "../helpers/failing-engine.js";
import { type PlainBroker, startPlainBroker } from "../helpers/plain-broker.js";
import { RawAgent } from "../helpers/raw-agent.js";
import { waitFor } from "../helpers/wait.js";
import { AggregatorHarness } from "./harness.js";

const HALL = "h1";
const kiosk: BirthDevice = { id: "k1", kind: "kiosk", model: "K100", zone: "lobby", reportIntervalSec: 60 };

describe("the aggregator's records (events, dead letters, counters) when the store refuses a write", () => {
  let broker: PlainBroker;
  let harness: AggregatorHarness;
  let agent: RawAgent;
  let sql: ReturnType<typeof fillable>;

  beforeEach(async () => {
    broker = await startPlainBroker();
    harness = new AggregatorHarness(broker.url);
    harness.openDb();
    await harness.provision(HALL, ["a1"]);
    sql = fillable(harness.sql);
    harness.overrides = { sql };
    await harness.start();
    agent = new RawAgent(broker.url, HALL, "a1", 1, [kiosk]);
    await agent.connect();
    await agent.online();
    await agent.birth();
    await waitFor(async () => (await harness.device(HALL, "k1")) !== null, "k1 registered");
  });

  afterEach(async () => {
    await agent.stop().catch(() => undefined);
    await harness.close();
    await broker.close();
  });

  const count = (table: string) =>
    (harness.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

  it("keeps what a failed flush held and writes it with the next one", async () => {
    sql.full = true;
    await agent.event("k1", "identify", { message: "written late" });
    await agent.publish(topics.telemetry(HALL, "a1", "k1"), "{not json");
    await waitFor(() => (harness.aggregator.stats().messagesByType.event ?? 0) >= 1, "the event processed");
    await waitFor(() => harness.aggregator.stats().deadLettersByReason.bad_json === 1, "the dead letter");
    await harness.aggregator.flush(); // refused: resolves (logged), keeps them
    await harness.aggregator.flush();
    expect([count("device_events"), count("dead_letters"), count("counters")]).toEqual([0, 0, 0]);
    sql.full = false;
    await harness.aggregator.flush();
    expect([count("device_events"), count("dead_letters")]).toEqual([1, 1]);
    const k1 = await harness.device(HALL, "k1");
    expect(k1.recentEvents).toMatchObject([{ type: "identify", message: "written late" }]);
    const letters = await harness.get("/api/dead-letters");
    expect(letters.items).toMatchObject([{ reason: "bad_json", payloadSample: "{not json" }]);
    expect(harness.db.prepare("SELECT name, value FROM counters").all()).toEqual([
      { name: "dead_letters.bad_json", value: 1 },
    ]);
  });
});
