import { Aedes } from "aedes";
import Denque from "denque";
import { describe, expect, it } from "vitest";
import { useFifoQueues } from "../../broker/emitter-tuning.js";

describe("useFifoQueues", () => {
  it("swaps Aedes' emitter queues, and messages past its concurrency are still delivered in order", async () => {
    const aedes = await Aedes.createBroker({ concurrency: 2 });
    useFifoQueues(aedes);
    const mq = (
      aedes as unknown as {
        mq: {
          _messageQueue: unknown;
          on(topic: string, listener: (packet: { payload: Buffer }, cb: () => void) => void): void;
          emit(packet: { topic: string; payload: Buffer }): void;
        };
      }
    ).mq;
    expect(mq._messageQueue).toBeInstanceOf(Denque);
    const seen: number[] = [];
    const done = new Promise<void>((resolve) => {
      mq.on("t/#", (packet, cb) => {
        seen.push(Number(String(packet.payload)));
        setImmediate(cb); // slow listener: the emitter's queue fills
        if (seen.length === 50) resolve();
      });
    });
    await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 50; i++) mq.emit({ topic: "t/x", payload: Buffer.from(String(i)) });
    await done;
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i));
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
  });

  it("a backlog whose subscribers finish at once drains in order without overflowing the stack", async () => {
    const aedes = await Aedes.createBroker({ concurrency: 1 });
    useFifoQueues(aedes);
    const mq = (
      aedes as unknown as {
        mq: {
          on(topic: string, listener: (packet: { payload: Buffer }, cb: () => void) => void): void;
          emit(packet: { topic: string; payload: Buffer }): void;
        };
      }
    ).mq;
    const count = 100_000;
    const seen: number[] = [];
    let release: (() => void) | null = null;
    const done = new Promise<void>((resolve) => {
      mq.on("t/#", (packet, cb) => {
        seen.push(Number(String(packet.payload)));
        if (seen.length === count) resolve();
        // The first holds the only slot while the rest queue up; every other finishes at once, as a subscriber
        // whose delivery completes in the same call does.
        if (seen.length === 1) release = cb;
        else cb();
      });
    });
    await new Promise((r) => setImmediate(r));
    for (let i = 0; i < count; i++) mq.emit({ topic: "t/x", payload: Buffer.from(String(i)) });
    expect(release).not.toBeNull();
    // Unbounded, this call dispatched the whole queue inside itself: RangeError, Maximum call stack size exceeded.
    (release as unknown as () => void)();
    await done;
    expect(seen).toEqual(Array.from({ length: count }, (_, i) => i));
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
  });
});
