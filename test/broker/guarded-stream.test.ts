import { Duplex, PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { GuardedStream } from "../../broker/guarded-stream.js";
import { TokenBucket } from "../../broker/rate-limiter.js";
import { sleep } from "../helpers/wait.js";

const streams: GuardedStream[] = [];
afterEach(() => {
  for (const s of streams.splice(0)) s.destroy();
});

/** A guard over a PassThrough: what is written into `wire` is what the client "sent". */
function guard(maxPacketBytes: number) {
  const wire = new PassThrough();
  const oversized: number[] = [];
  const stream = new GuardedStream(wire, maxPacketBytes, (n) => oversized.push(n), "test");
  streams.push(stream);
  const received: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => received.push(chunk));
  stream.on("error", () => undefined);
  return { wire, stream, oversized, bytes: () => Buffer.concat(received) };
}

/** A PUBLISH packet (QoS 0) with the given body length; the body is opaque to the guard. */
function publishPacket(bodyBytes: number): Buffer {
  const length: number[] = [];
  let n = bodyBytes;
  do {
    let digit = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) digit |= 0x80;
    length.push(digit);
  } while (n > 0);
  return Buffer.concat([Buffer.from([0x30, ...length]), Buffer.alloc(bodyBytes, 0x61)]);
}

describe("GuardedStream framing", () => {
  it("passes packets at the limit through unchanged, even when split at every byte", async () => {
    const { wire, oversized, bytes } = guard(200);
    const data = Buffer.concat([publishPacket(200), publishPacket(0), publishPacket(130)]);
    for (const byte of data) wire.write(Buffer.from([byte]));
    await sleep(20);
    expect(oversized).toEqual([]);
    expect(bytes().equals(data)).toBe(true);
  });

  it("cuts the stream at a header announcing one byte too many, split across chunks, before its body", async () => {
    const { wire, stream, oversized, bytes } = guard(200);
    const ok = publishPacket(10);
    const big = publishPacket(201);
    wire.write(Buffer.concat([ok, big.subarray(0, 2)]));
    wire.write(big.subarray(2, 3));
    await sleep(20);
    expect(oversized).toEqual([201]);
    expect(stream.destroyed).toBe(true);
    // At most the big packet's first header bytes went on; none of its body.
    expect(bytes().subarray(0, ok.length).equals(ok)).toBe(true);
    expect(bytes().length).toBeLessThanOrEqual(ok.length + 2);
  });

  it("cuts a malformed remaining length of five bytes", async () => {
    const { wire, stream, oversized } = guard(1 << 30);
    wire.write(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]));
    await sleep(20);
    expect(oversized).toEqual([Number.POSITIVE_INFINITY]);
    expect(stream.destroyed).toBe(true);
  });
});

describe("GuardedStream publish limit", () => {
  it("lets the burst through at once, holds the rest unread until tokens are due, and keeps order", async () => {
    const { wire, stream, bytes } = guard(1000);
    let nowMs = 0;
    let throttles = 0;
    stream.limitPublishes({
      bucket: new TokenBucket(10, 2, nowMs),
      nowMs: () => nowMs,
      maxThrottleMs: 10_000,
      onThrottle: () => throttles++,
      onCut: () => undefined,
    });
    const packets = [publishPacket(1), publishPacket(2), publishPacket(3)];
    wire.write(Buffer.concat(packets));
    await sleep(20);
    expect(bytes().equals(Buffer.concat(packets.slice(0, 2)))).toBe(true);
    expect(throttles).toBe(1);
    nowMs = 100; // one token at 10/s
    await sleep(150); // the guard's own timer fires after ~100 ms of real time
    expect(bytes().equals(Buffer.concat(packets))).toBe(true);
  });

  it("cuts a client that has been held back continuously for maxThrottleMs", async () => {
    const { wire, stream } = guard(1000);
    let nowMs = 0;
    let cut = 0;
    stream.limitPublishes({
      bucket: new TokenBucket(1000, 1, nowMs),
      nowMs: () => nowMs,
      maxThrottleMs: 50,
      onThrottle: () => undefined,
      onCut: () => cut++,
    });
    wire.write(Buffer.concat(Array.from({ length: 200 }, () => publishPacket(1))));
    for (let i = 0; i < 20 && !stream.destroyed; i++) {
      nowMs += 10;
      await sleep(5);
    }
    expect(cut).toBe(1);
    expect(stream.destroyed).toBe(true);
  });
});

describe("TokenBucket", () => {
  it("allows the burst, then one token per 1/rate, and says how long to wait", () => {
    const bucket = new TokenBucket(4, 2, 0);
    expect([bucket.tryTake(0), bucket.tryTake(0)]).toEqual([0, 0]);
    expect(bucket.tryTake(0)).toBe(250);
    expect(bucket.tryTake(249)).toBeGreaterThan(0);
    expect(bucket.tryTake(250)).toBe(0);
    expect([bucket.tryTake(10_000), bucket.tryTake(10_000), bucket.tryTake(10_000)]).toEqual([0, 0, 250]);
  });
});

describe("GuardedStream writes to the client", () => {
  /** A transport that records what each flush to the "socket" carried. */
  function transport() {
    const flushes: Buffer[] = [];
    const wire = new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        flushes.push(Buffer.from(chunk));
        callback();
      },
      writev(chunks, callback) {
        flushes.push(Buffer.concat(chunks.map((c) => c.chunk as Buffer)));
        callback();
      },
    });
    const stream = new GuardedStream(wire, 1000, () => undefined, "test");
    streams.push(stream);
    return { stream, flushes };
  }

  it("sends a packet Aedes writes corked, in several pieces, in one write to the transport", async () => {
    const { stream, flushes } = transport();
    const packet = publishPacket(40);
    // As mqtt-packet's writeToStream does: cork, write header, topic and payload separately, uncork next tick.
    stream.cork();
    stream.write(packet.subarray(0, 2));
    stream.write(packet.subarray(2, 10));
    stream.write(packet.subarray(10));
    process.nextTick(() => stream.uncork());
    await sleep(20);
    expect(flushes).toHaveLength(1);
    expect(flushes[0]?.equals(packet)).toBe(true);
  });

  it("sends what is written within one event-loop turn in one write, and the next turn's in another", async () => {
    const { stream, flushes } = transport();
    const packets = [publishPacket(10), publishPacket(20), publishPacket(30)];
    for (const p of packets) stream.write(p);
    await sleep(20);
    stream.write(packets[0] as Buffer);
    await sleep(20);
    expect(flushes.map((f) => f.length)).toEqual([
      Buffer.concat(packets).length,
      (packets[0] as Buffer).length,
    ]);
    expect(flushes[0]?.equals(Buffer.concat(packets))).toBe(true);
  });
});
