import assert from "node:assert";
import { createRequire } from "node:module";
import MemoryPersistence from "aedes-persistence/asyncPersistence.js";
import { afterAll, beforeAll, describe, expect, it, test } from "vitest";
import { IndexedMemoryPersistence } from "../../broker/indexed-persistence.js";
import { topics } from "../../src/contract/index.js";
import { RawSubscriber } from "../helpers/raw-subscriber.js";
import { type Credentials, HALL, Harness, provision, SERVICE } from "./harness.js";

type NodeTestFn = (t: {
  assert: typeof assert;
  diagnostic(msg: string): void;
  plan(n: number): void;
}) => unknown;
type AbstractSuite = (opts: {
  test: (name: string, fn: NodeTestFn) => void;
  persistence: () => unknown;
  testAsync: boolean;
}) => void;

const abstractSuite = createRequire(import.meta.url)("aedes-persistence/abstract.js") as AbstractSuite;

/** aedes-persistence's own contract, written for node:test, run through vitest with node:test's `t` as it uses it. */
function runAbstractSuite(persistence: () => unknown): void {
  abstractSuite({
    test: (name, fn) =>
      test(name, async () => {
        await fn({ assert, diagnostic: () => undefined, plan: () => undefined });
      }),
    persistence,
    testAsync: true,
  });
}

describe("aedes-persistence's abstract suite, on its own in-memory persistence (the reference)", () => {
  runAbstractSuite(() => new MemoryPersistence());
});

describe("aedes-persistence's abstract suite, on the indexed persistence the product broker uses", () => {
  runAbstractSuite(() => new IndexedMemoryPersistence());
});

describe("a persistent session through the product broker keeps what it has not acknowledged", () => {
  let creds: Credentials;
  let h: Harness;

  beforeAll(async () => {
    creds = await provision();
    h = new Harness(creds);
    await h.start({ publishRatePerSec: 100_000, publishBurst: 100_000 });
  });
  afterAll(() => h.cleanup());

  const count = 2_000;
  const topic = topics.telemetry(HALL, "agent-a", "kiosk-1");
  const aggregator = (acknowledge: (seq: number) => boolean) =>
    new RawSubscriber(
      new URL(h.url),
      { clientId: `${SERVICE}-durable`, username: SERVICE, password: creds.serviceSecret },
      (packet) => acknowledge(Number(String(packet.payload))),
    );
  const seqs = (subscriber: RawSubscriber) =>
    subscriber.received.map((packet) => Number(String(packet.payload)));

  it("redelivers, in order, exactly the messages it held back, and nothing once all are acknowledged", async () => {
    // The product broker keeps sessions in the indexed store (the behaviour below holds with either store).
    const aedes = (h.broker as unknown as { aedes: { persistence: unknown } }).aedes;
    expect(aedes.persistence).toBeInstanceOf(IndexedMemoryPersistence);
    const first = aggregator((seq) => seq % 2 === 0);
    expect(await first.connect()).toBe(false);
    await first.subscribe(topics.aggregatorSubscriptions()[0] as string);
    const agent = await h.agent("agent-a");
    for (let seq = 0; seq < count; seq += 1) await agent.publishAsync(topic, String(seq), { qos: 1 });
    await expect.poll(() => first.received.length, { timeout: 10_000 }).toBe(count);
    expect(seqs(first)).toEqual(Array.from({ length: count }, (_, seq) => seq));
    first.kill();

    const resumed = aggregator(() => true);
    expect(await resumed.connect()).toBe(true);
    await expect.poll(() => resumed.received.length, { timeout: 10_000 }).toBe(count / 2);
    expect(seqs(resumed)).toEqual(Array.from({ length: count / 2 }, (_, i) => i * 2 + 1));
    await agent.publishAsync(topic, String(count), { qos: 1 });
    await expect.poll(() => seqs(resumed).at(-1), { timeout: 5_000 }).toBe(count);
    resumed.kill();

    const last = aggregator(() => true);
    expect(await last.connect()).toBe(true);
    await agent.publishAsync(topic, String(count + 1), { qos: 1 });
    await expect.poll(() => seqs(last), { timeout: 5_000 }).toEqual([count + 1]);
    last.kill();
  });
});
