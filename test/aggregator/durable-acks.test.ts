// The aggregator's PUBACK tells the broker it may forget a message: from then on only Hallwatch has it. With the
// ingest log on, every message must be in the log on disk by the time its PUBACK reaches the broker — also when
// messages arrive in bursts and the log writes them in batches. Watched from the broker's side: at each PUBACK
// Aedes reports ("ack"), the test reads the log files and looks for that message.
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IngestLog } from "../../src/aggregator/ingest-log.js";
import { topics } from "../../src/contract/index.js";
import { type PlainBroker, startPlainBroker } from "../helpers/plain-broker.js";
import { waitFor } from "../helpers/wait.js";
import { AggregatorHarness } from "./harness.js";

const HALL = "h1";
const AGENT = "a1";
const MESSAGES = 3_000;

describe("durable acknowledgements", () => {
  let broker: PlainBroker;
  let harness: AggregatorHarness;
  let publisher: MqttClient | null = null;

  beforeEach(async () => {
    broker = await startPlainBroker();
    harness = new AggregatorHarness(broker.url);
    harness.openDb();
    await harness.provision(HALL, [AGENT]);
  });

  afterEach(async () => {
    await publisher?.endAsync().catch(() => undefined);
    await harness.close();
    await broker.close();
  });

  it("every message is in the ingest log on disk when its PUBACK reaches the broker, in a burst of 3,000", async () => {
    const logDir = join(harness.dataDir, "ingest-log");
    harness.overrides = { ingestLogDir: logDir, checkpointIntervalMs: 3_600_000, clientId: "_aggregator" };
    await harness.start();

    // The log read as a replay reads it, from the files alone.
    let logged = new Set<string>();
    const readLog = () =>
      new Set([...new IngestLog({ dir: logDir }).entries()].map((m) => m.payload.toString("base64")));
    let acked = 0;
    const notLogged: string[] = [];
    broker.aedes.on("ack", (packet, client) => {
      if (client.id !== "_aggregator" || packet.cmd !== "publish") return;
      acked += 1;
      const needle = Buffer.from(packet.payload).toString("base64");
      if (logged.has(needle)) return;
      logged = readLog(); // what is on disk now, while the PUBACK is being handled
      if (!logged.has(needle)) notLogged.push(packet.topic);
    });

    publisher = await mqtt.connectAsync(broker.url, { clientId: "burst", reconnectPeriod: 0 });
    const topic = topics.telemetry(HALL, AGENT, "k1");
    // Published without waiting for each PUBACK, so many arrive at the aggregator in one read.
    await Promise.all(
      Array.from({ length: MESSAGES }, (_, i) =>
        publisher!.publishAsync(
          topic,
          JSON.stringify({ v: 1, session: 1, seq: i + 1, tsMs: 1, values: { n: i } }),
          {
            qos: 1,
          },
        ),
      ),
    );
    await waitFor(() => acked >= MESSAGES, `the aggregator's ${MESSAGES} PUBACKs`, 20_000);
    expect(notLogged.slice(0, 3)).toEqual([]);
    expect(harness.aggregator.stats().ingestLog?.messagesUnlogged).toBe(0);
  });
});
