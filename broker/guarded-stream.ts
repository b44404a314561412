import { Duplex } from "node:stream";

/**
 * Sits between a client's transport (a TCP socket, or a WebSocket wrapped as a stream) and Aedes.
 *
 * Size: it walks each MQTT packet's fixed header (type byte, then the variable-length "remaining length",
 * MQTT 3.1.1 §2.2.3) as bytes stream past and cuts the connection as soon as a packet announces more than
 * `maxPacketBytes`, before its body is buffered. Aedes' parser (mqtt-packet) would otherwise collect a
 * whole packet of up to 256 MB in memory before anyone could look at it.
 *
 * Rate: `throttle(ms)` stops reading from the transport for a while. What the client sends meanwhile waits
 * in kernel buffers and then in the client's own TCP window (backpressure), not in the broker's memory.
 */
export class GuardedStream extends Duplex {
  private state: "type" | "length" | "body" = "type";
  private lengthValue = 0;
  private lengthMultiplier = 1;
  private lengthBytes = 0;
  private bodyLeft = 0;
  private throttled = false;
  private resumeTimer: NodeJS.Timeout | null = null;
  private wantsData = false;

  constructor(
    private readonly inner: Duplex,
    private readonly maxPacketBytes: number,
    private readonly onOversize: (announcedBytes: number) => void,
    /** For logs only. */
    readonly remoteAddress: string | undefined,
  ) {
    super({ allowHalfOpen: false });
    inner.on("data", (chunk: Buffer) => this.onData(chunk));
    inner.on("end", () => this.push(null));
    inner.on("error", (err) => this.destroy(err));
    inner.on("close", () => this.destroy());
    inner.pause();
  }

  /** Stops reading from this client for `ms` (restarting the wait if already throttled). */
  throttle(ms: number): void {
    if (this.destroyed) return;
    this.throttled = true;
    this.inner.pause();
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    this.resumeTimer = setTimeout(() => {
      this.resumeTimer = null;
      this.throttled = false;
      if (this.wantsData && !this.destroyed) this.inner.resume();
    }, ms);
  }

  override _read(): void {
    this.wantsData = true;
    if (!this.throttled) this.inner.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.inner.destroyed) {
      callback();
      return;
    }
    this.inner.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.inner.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    this.resumeTimer = null;
    this.inner.destroy();
    callback(error);
  }

  private onData(chunk: Buffer): void {
    if (!this.scan(chunk)) return;
    if (!this.push(chunk)) {
      this.wantsData = false;
      this.inner.pause();
    }
  }

  /** Walks the MQTT framing over the chunk; a header may be split across chunks at any byte. */
  private scan(chunk: Buffer): boolean {
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
      i += 1;
      if (this.state === "type") {
        this.state = "length";
        this.lengthValue = 0;
        this.lengthMultiplier = 1;
        this.lengthBytes = 0;
        continue;
      }
      this.lengthValue += (byte & 0x7f) * this.lengthMultiplier;
      this.lengthMultiplier *= 128;
      this.lengthBytes += 1;
      const more = (byte & 0x80) !== 0;
      // At most four length bytes [MQTT-2.2.3]; a fifth is a malformed packet, refused like an oversized one.
      if (more && this.lengthBytes < 4) continue;
      if (more || this.lengthValue > this.maxPacketBytes) {
        this.onOversize(more ? Number.POSITIVE_INFINITY : this.lengthValue);
        this.destroy();
        return false;
      }
      this.bodyLeft = this.lengthValue;
      this.state = this.bodyLeft === 0 ? "type" : "body";
    }
    return true;
  }
}
