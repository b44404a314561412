import { Duplex } from "node:stream";
import type { TokenBucket } from "./rate-limiter.js";

const PUBLISH = 3;

export interface PublishLimit {
  bucket: TokenBucket;
  nowMs: () => number;
  /** A client that has had to wait for tokens continuously for this long is disconnected. */
  maxThrottleMs: number;
  onThrottle(): void;
  onCut(): void;
}

/**
 * Sits between a client's transport (a TCP socket, or a WebSocket wrapped as a stream) and Aedes, and walks
 * the MQTT framing of what the client sends: each packet's type byte, then its variable-length "remaining
 * length" (MQTT 3.1.1 §2.2.3), then the body, which it skips over without copying.
 *
 * Size: a packet that announces more than `maxPacketBytes` cuts the connection before its body is buffered.
 * Aedes' parser (mqtt-packet) would otherwise collect a whole packet of up to 256 MB in memory first.
 *
 * Rate: once `limitPublishes` is set, each PUBLISH needs a token. Without one, the stream stops reading from
 * the transport until a token is due, so a flood waits in kernel buffers and in the client's own TCP window
 * (backpressure), never in the broker's memory, and the broker's event loop stays free for other clients.
 */
export class GuardedStream extends Duplex {
  private state: "type" | "length" | "body" = "type";
  private lengthValue = 0;
  private lengthMultiplier = 1;
  private lengthBytes = 0;
  private bodyLeft = 0;
  private limit: PublishLimit | null = null;
  /** The unscanned rest of a chunk, held while waiting for a token. */
  private pending: Buffer | null = null;
  private pendingTimer: NodeJS.Timeout | null = null;
  private throttledSinceMs: number | null = null;
  private wantsData = false;
  /** The transport is corked until the next turn of the event loop (see pass). */
  private innerCorked = false;

  constructor(
    private readonly inner: Duplex,
    private readonly maxPacketBytes: number,
    private readonly onOversize: (announcedBytes: number) => void,
    /** For logs only. */
    readonly remoteAddress: string | undefined,
  ) {
    super({ allowHalfOpen: false });
    inner.on("data", (chunk: Buffer) => {
      // Defensive: a transport may emit one more chunk after pause(); keep order behind what is held.
      if (this.pending !== null) this.pending = Buffer.concat([this.pending, chunk]);
      else this.consume(chunk, true);
    });
    inner.on("end", () => {
      if (this.pending === null) this.push(null);
    });
    inner.on("error", (err) => this.destroy(err));
    inner.on("close", () => this.destroy());
    inner.pause();
  }

  /** From now on, every PUBLISH the client sends takes a token from `limit.bucket`. */
  limitPublishes(limit: PublishLimit): void {
    this.limit = limit;
  }

  override _read(): void {
    this.wantsData = true;
    if (this.pending === null) this.inner.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.pass(chunk, callback);
  }

  /**
   * Aedes (through mqtt-packet) corks this stream and writes each packet in several pieces; on uncork they come
   * here together and leave as one buffer. (Handed over one by one, each waiting for the previous to reach the
   * socket, a packet left in several small TCP segments, and Nagle's algorithm held all but the first until the
   * peer's delayed ACK, about 40 ms on Linux: a 40 ms floor on fault → alert latency.)
   */
  override _writev(
    chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>,
    callback: (error?: Error | null) => void,
  ): void {
    const only = chunks.length === 1 ? chunks[0] : undefined;
    this.pass(only ? only.chunk : Buffer.concat(chunks.map((c) => c.chunk)), callback);
  }

  /**
   * Everything written to the client within one event-loop turn leaves in one write: the transport is corked at
   * the first write of a turn and uncorked on the next. A subscriber such as the aggregator is sent one packet per
   * message, and with a thousand publishing halls each arrives in its own turn of reads, so each was one syscall
   * and one TCP segment: most of the broker's CPU. A write is acknowledged as soon as the transport has taken it
   * (or, past its buffer limit, once it drains), so Aedes goes on writing within the turn.
   */
  /** Sends what this turn held back at once (before the connection ends). */
  private flushInner(): void {
    if (!this.innerCorked) return;
    this.innerCorked = false;
    if (!this.inner.destroyed) this.inner.uncork();
  }

  private pass(chunk: Buffer, callback: (error?: Error | null) => void): void {
    const inner = this.inner;
    if (inner.destroyed) {
      callback();
      return;
    }
    if (!this.innerCorked) {
      this.innerCorked = true;
      inner.cork();
      setImmediate(() => this.flushInner());
    }
    if (inner.write(chunk)) callback();
    else inner.once("drain", () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.flushInner();
    this.inner.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.pendingTimer) clearTimeout(this.pendingTimer);
    this.pendingTimer = null;
    this.pending = null;
    this.flushInner(); // e.g. a refusing CONNACK, written just before Aedes closes the connection
    this.inner.destroy();
    callback(error);
  }

  /** `fresh`: a new chunk from the transport, not the held rest of an earlier one. */
  private consume(chunk: Buffer, fresh: boolean): void {
    if (this.destroyed) return;
    const stop = this.scan(chunk);
    if (stop === "destroyed") return;
    // A new chunk that passed whole means the client's input was not waiting on the limit.
    if (fresh && stop === "end") this.throttledSinceMs = null;
    const passed = stop === "end" ? chunk : chunk.subarray(0, stop.at);
    if (passed.length > 0 && !this.push(passed)) {
      this.wantsData = false;
      this.inner.pause();
    }
    if (stop !== "end") {
      this.inner.pause();
      this.pending = chunk.subarray(stop.at);
      this.pendingTimer = setTimeout(() => this.resumePending(), stop.waitMs);
    }
  }

  private resumePending(): void {
    const pending = this.pending;
    this.pendingTimer = null;
    this.pending = null;
    if (pending === null || this.destroyed) return;
    this.consume(pending, false);
    if (this.pending !== null || this.destroyed) return;
    if (this.inner.readableEnded) this.push(null);
    else if (this.wantsData) this.inner.resume();
  }

  /**
   * Walks the framing over the chunk; a header may be split across chunks at any byte. Returns "end" when
   * the whole chunk may pass, or the offset of a PUBLISH that must first wait `waitMs` for a token.
   */
  private scan(chunk: Buffer): "end" | "destroyed" | { at: number; waitMs: number } {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === "body") {
        const step = Math.min(this.bodyLeft, chunk.length - i);
        this.bodyLeft -= step;
        i += step;
        if (this.bodyLeft === 0) this.state = "type";
        continue;
      }
      const byte = chunk[i] as number;
      if (this.state === "type") {
        if (byte >> 4 === PUBLISH && this.limit) {
          const waitMs = this.admit(this.limit);
          if (waitMs === null) return "destroyed";
          if (waitMs > 0) return { at: i, waitMs };
        }
        i += 1;
        this.state = "length";
        this.lengthValue = 0;
        this.lengthMultiplier = 1;
        this.lengthBytes = 0;
        continue;
      }
      i += 1;
      this.lengthValue += (byte & 0x7f) * this.lengthMultiplier;
      this.lengthMultiplier *= 128;
      this.lengthBytes += 1;
      const more = (byte & 0x80) !== 0;
      // At most four length bytes [MQTT-2.2.3]; a fifth is a malformed packet, refused like an oversized one.
      if (more && this.lengthBytes < 4) continue;
      if (more || this.lengthValue > this.maxPacketBytes) {
        this.onOversize(more ? Number.POSITIVE_INFINITY : this.lengthValue);
        this.destroy();
        return "destroyed";
      }
      this.bodyLeft = this.lengthValue;
      this.state = this.bodyLeft === 0 ? "type" : "body";
    }
    return "end";
  }

  /** 0 when the PUBLISH may pass now, ms to wait, or null when the client was cut off. */
  private admit(limit: PublishLimit): number | null {
    const nowMs = limit.nowMs();
    const waitMs = limit.bucket.tryTake(nowMs);
    if (waitMs === 0) return 0;
    this.throttledSinceMs ??= nowMs;
    if (nowMs - this.throttledSinceMs >= limit.maxThrottleMs) {
      limit.onCut();
      this.destroy();
      return null;
    }
    limit.onThrottle();
    return waitMs;
  }
}
