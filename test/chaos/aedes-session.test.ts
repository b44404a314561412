import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BirthDevice } from "../../src/contract/index.js";
import { AggregatorHarness } from "../aggregator/harness.js";
import { type PlainBroker, startPlainBroker } from "../helpers/plain-broker.js";
import { kioskValues, RawAgent } from "../helpers/raw-agent.js";
import { waitFor } from "../helpers/wait.js";

const kiosk: BirthDevice = { id: "kiosk-1", kind: "kiosk", model: "K", zone: "z", reportIntervalSec: 1 };

describe("the aggregator's persistent session on Aedes (over TCP)", () => {
  let broker: PlainBroker;
  let harness: AggregatorHarness;
  let agent: RawAgent;
  const logDir = mkdtempSync(join(tmpdir(), "hallwatch-ingest-"));

  beforeAll(async () => {
    broker = await startPlainBroker();
  });
  afterAll(async () => {
    await agent?.client?.endAsync();
    await harness?.close();
    await broker?.close();
    rmSync(logDir, { recursive: true, force: true });
  });

  it("defect 19: what agents publish while the aggregator is away is delivered when it returns", async () => {
    harness = new AggregatorHarness(broker.url, { ingestLogDir: join(logDir, "ingest-log") });
    harness.openDb();
    await harness.provision("h1", ["agent-1"]);
    await harness.start();
    agent = new RawAgent(broker.url, "h1", "agent-1", 1, [kiosk]);
    await agent.connect();
    await agent.online();
    await agent.birth();
    await agent.telemetry("kiosk-1", { ...kioskValues, paperPct: 10 });
    await waitFor(
      async () => (await harness.device("h1", "kiosk-1"))?.values?.paperPct === 10,
      "first reading",
    );

    await harness.stopAggregator();
    for (let pct = 11; pct <= 30; pct++) await agent.telemetry("kiosk-1", { ...kioskValues, paperPct: pct });
    harness.openDb();
    await harness.start();

    await waitFor(
      async () => (await harness.device("h1", "kiosk-1"))?.values?.paperPct === 30,
      "the last reading",
    );
    expect(harness.aggregator.stats().lostMessages).toBe(0);
  }, 30_000);
});
