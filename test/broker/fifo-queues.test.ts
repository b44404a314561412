import { Aedes } from "aedes";
import Denque from "denque";
import { describe, expect, it } from "vitest";
import { useFifoQueues } from "../../broker/broker.js";

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
});
