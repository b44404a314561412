// The ingest log is what a crash replays. A checkpoint may delete it only once everything it holds is in the
// store: if the database refuses the events (disk full, PostgreSQL away), the log must stay, so that a crash or a
// stop meanwhile loses nothing; the next start replays it into the database once it takes writes again.
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BirthDevice } from "../../src/contract/index.js";
import { fillable } from "../helpers/failing-engine.js";
import { type PlainBroker, startPlainBroker } from "../helpers/plain-broker.js";
import { RawAgent } from "../helpers/raw-agent.js";
import { sleep, waitFor } from "../helpers/wait.js";
import { AggregatorHarness } from "./harness.js";

const HALL = "h1";
const kiosk: BirthDevice = { id: "k1", kind: "kiosk", model: "K100", zone: "lobby", reportIntervalSec: 60 };

describe("an ingest-log checkpoint while the store refuses writes", () => {
  let broker: PlainBroker;
  let harness: AggregatorHarness;
  let agent: RawAgent;

  beforeEach(async () => {
    broker = await startPlainBroker();
    harness = new AggregatorHarness(broker.url);
    harness.openDb();
    await harness.provision(HALL, ["a1"]);
  });

  afterEach(async () => {
    await agent?.stop().catch(() => undefined);
    await harness.close();
    await broker.close();
  });

  const options = (sql: ReturnType<typeof fillable>) => ({
    sql,
    ingestLogDir: join(harness.dataDir, "ingest-log"),
    checkpointIntervalMs: 50,
  });
  const storedEvents = () =>
    harness.db.prepare("SELECT type, message FROM device_events ORDER BY id").all() as object[];

  it("keeps the log, and the next start writes the events that the store had refused", async () => {
    const sql = fillable(harness.sql);
    harness.overrides = options(sql);
    await harness.start();
    agent = new RawAgent(broker.url, HALL, "a1", 1, [kiosk]);
    await agent.connect();
    await agent.online();
    await agent.birth();
    await waitFor(async () => (await harness.device(HALL, "k1")) !== null, "k1 registered");
    await waitFor(() => (harness.aggregator.stats().ingestLog?.checkpoints ?? 0) >= 1, "a first checkpoint");

    sql.full = true;
    await agent.event("k1", "identify", { message: "refused by the store" });
    await waitFor(() => (harness.aggregator.stats().messagesByType.event ?? 0) >= 1, "the event processed");
    const checkpointsBefore = harness.aggregator.stats().ingestLog?.checkpoints ?? 0;
    await sleep(500); // ten checkpoint intervals
    expect(harness.aggregator.stats().ingestLog?.checkpoints).toBe(checkpointsBefore);
    await agent.stop();
    await harness.stopAggregator(); // its last flush is refused too: the event is only in the log now
    harness.openDb();
    expect(storedEvents()).toEqual([]);

    harness.overrides = options(fillable(harness.sql)); // the store takes writes again
    await harness.start();
    await harness.aggregator.flush();
    expect(harness.aggregator.stats().ingestLog?.messagesReplayed).toBeGreaterThanOrEqual(1);
    expect(storedEvents()).toEqual([{ type: "identify", message: "refused by the store" }]);
  });
});
