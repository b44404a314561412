import { afterEach, describe, expect, it } from "vitest";
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
  zone: "z",
  reportIntervalSec: 10,
});

describe("a page view writes what it reads, not the whole fleet's last readings", { timeout: 30_000 }, () => {
  let broker: PlainBroker | undefined;
  let harness: AggregatorHarness | undefined;
  let agent: RawAgent | undefined;

  afterEach(async () => {
    await agent?.stop().catch(() => undefined);
    await harness?.close();
    await broker?.close();
  });

  it("GET a device: its history is written and read; another device's last seen stays in memory until a flush", async () => {
    broker = await startPlainBroker();
    // No periodic flush during the test: only what the reads write reaches the store.
    harness = new AggregatorHarness(broker.url, { flushIntervalMs: 3_600_000 });
    await harness.provision(HALL, ["a1"]);
    await harness.start();
    agent = new RawAgent(broker.url, HALL, "a1", 1, [kiosk("k1"), kiosk("k2")]);
    await agent.connect();
    await agent.online();
    await agent.birth();
    // The birth's rows are written whole by the first read after it.
    await waitFor(async () => (await harness!.device(HALL, "k1")) !== null, "the birth processed");
    await agent.telemetry("k1", kioskValues);
    await agent.telemetry("k2", kioskValues);

    const page = await waitFor(async () => {
      const d = await harness!.device(HALL, "k2");
      return d?.lastSeenMs ? d : null;
    }, "k2's reading processed");
    // What the page reads from the store is there: the birth's transition to online.
    expect(page.connectivityHistory.map((s: { connectivity: string }) => s.connectivity)).toContain("online");
    const lastSeenStored = (deviceId: string) =>
      (
        harness!.db
          .prepare("SELECT last_seen_ms FROM devices WHERE hall_id = ? AND device_id = ?")
          .get(HALL, deviceId) as {
          last_seen_ms: number | null;
        }
      ).last_seen_ms;
    // k1's reading is not what the page needed: it was not written for it (at 4,000 halls that was every device).
    expect(lastSeenStored("k1")).toBeNull();
    expect((await harness.device(HALL, "k1")).lastSeenMs).toBeGreaterThan(0); // the API has it from memory
    await harness.aggregator.flush();
    expect(lastSeenStored("k1")).toBeGreaterThan(0);
  });
});
