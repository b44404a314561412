// A flood of messages must not hold the aggregator's event loop: with the turn budget at 0 every message is handed
// to the next turn, so a timer armed when the flood begins runs while it is still being handled. And nothing may
// be lost or reordered by the hand-over: every message is handled once, in order, and acknowledged.
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { topics } from "../../src/contract/index.js";
import { kioskBirth } from "../helpers/kiosk-birth.js";
import { type PlainBroker, startPlainBroker } from "../helpers/plain-broker.js";
import { waitFor } from "../helpers/wait.js";
import { AggregatorHarness } from "./harness.js";

const HALL = "h1";
const AGENT = "a1";
const MESSAGES = 3_000;
const KIOSK_OK = { appOk: true, printerState: "ok", paperPct: 80, cpuPct: 5, memPct: 5, diskPct: 5 };

describe("the ingest's turn budget, over MQTT", () => {
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

  /**
   * A durable aggregator (ingest log, persistent session, QoS 1, as deployed) with the given budget, its device
   * born; then a backlog in its socket, as after a pause (a long GC, a slow disk) during a burst: its connection
   * stops reading while the broker delivers the whole flood. Returns the acknowledgement count and the resume.
   */
  async function backlog(
    turnBudgetMs: number,
    beforeFlood: (stream: MqttClient["stream"]) => void = () => {},
  ) {
    harness.overrides = {
      ingestTurnBudgetMs: turnBudgetMs,
      ingestLogDir: join(harness.dataDir, "ingest-log"),
      clientId: "_aggregator",
    };
    await harness.start();
    const counts = { acked: 0 };
    broker.aedes.on("ack", (packet, client) => {
      if (client.id === "_aggregator" && packet?.cmd === "publish") counts.acked += 1;
    });
    publisher = await mqtt.connectAsync(broker.url, { clientId: "flood", reconnectPeriod: 0 });
    await publisher.publishAsync(topics.birth(HALL, AGENT), JSON.stringify(kioskBirth(["k1"])), { qos: 1 });
    await waitFor(() => counts.acked >= 1, "the birth acknowledged");
    const stream = (harness.aggregator as unknown as { client: MqttClient }).client.stream;
    beforeFlood(stream);
    stream.pause();
    const topic = topics.telemetry(HALL, AGENT, "k1");
    for (let i = 0; i < MESSAGES; i += 1)
      publisher.publish(topic, JSON.stringify({ v: 1, session: 1, seq: i + 1, tsMs: 1, values: KIOSK_OK }), {
        qos: 1,
      });
    await new Promise((resolve) => setTimeout(resolve, 500)); // the broker writes it all to the socket
    return { counts, resume: () => stream.resume() };
  }

  it("lets timers run in the middle of a backlog, and handles every message once, in order", async () => {
    const seen: number[] = [];
    const { counts, resume } = await backlog(0, () =>
      harness.aggregator.bus.on("telemetry", ({ envelope }) => seen.push(envelope.seq - 1)),
    );
    // How many messages were handled between two runs of a 1 ms timer.
    const handledAt: number[] = [];
    const sampler = setInterval(() => handledAt.push(seen.length), 1);
    resume();
    await waitFor(
      () => seen.length >= MESSAGES && counts.acked >= MESSAGES + 1,
      "the backlog handled and acknowledged",
      15_000,
    );
    clearInterval(sampler);
    const mostBetweenTimers = Math.max(...handledAt.slice(1).map((n, i) => n - (handledAt[i] as number)));
    expect(mostBetweenTimers).toBeLessThan(100); // 1,453 without the budget
    expect(seen).toEqual(Array.from({ length: MESSAGES }, (_, i) => i));
    expect(harness.aggregator.stats().lostMessages).toBe(0);
  });

  it("sends the PUBACKs of messages handed to a later turn together, not one write each", async () => {
    // Each write to the connection is a syscall, and before it one of the ingest log (commitBeforeWrites).
    let writes = 0;
    const { counts, resume } = await backlog(5, (stream) => {
      const methods = stream as unknown as Record<
        "_write" | "_writev",
        ((...args: unknown[]) => unknown) | null
      >;
      for (const name of ["_write", "_writev"] as const) {
        const original = methods[name];
        if (typeof original !== "function") continue;
        methods[name] = function (this: unknown, ...args: unknown[]) {
          writes += 1;
          return original.apply(this, args);
        };
      }
    });
    resume();
    await waitFor(() => counts.acked >= MESSAGES + 1, "the backlog acknowledged", 15_000);
    expect(writes).toBeLessThan(MESSAGES / 20); // 1,776 of 3,000 before the PUBACKs of later turns were held
  });
});
