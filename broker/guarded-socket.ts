import type { Socket } from "node:net";
import { Duplex } from "node:stream";

/**
 * Sits between a client socket and Aedes. It reads each MQTT packet's fixed header as bytes stream past and
 * cuts the connection as soon as a packet announces more than `maxPacketBytes`, before the body is buffered
 * (Aedes would otherwise buffer a whole 256 MB packet). It also lets the broker pause reading from a client
 * (TCP backpressure) when that client publishes too fast.
 */
export class GuardedSocket extends Duplex {
  private state: "type" | "length" | "body" = "type";
  private lengthValue = 0;
  private lengthMultiplier = 1;
  private lengthBytes = 0;
  private bodyLeft = 0;
  private throttledUntilMs = 0;
  private resumeTimer: NodeJS.Timeout | null = null;
  private wantsData = false;

  constructor(
    readonly socket: Socket,
    private readonly maxPacketBytes: number,
    private readonly onOversize: (announcedBytes: number) => void,
  ) {
    super({ allowHalfOpen: false });
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("end", () => this.push(null));
    socket.on("error", (err) => this.destroy(err));
    socket.on("close", () => this.destroy());
    socket.pause();
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  /** Stop reading from this client for `ms`; what it sends meanwhile waits in TCP buffers. */
  throttle(ms: number): void {
    this.throttledUntilMs = Date.now() + ms;
    this.socket.pause();
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    this.resumeTimer = setTimeout(() => {
      this.resumeTimer = null;
      this.throttledUntilMs = 0;
      if (this.wantsData && !this.destroyed) this.socket.resume();
    }, ms);
  }

  override _read(): void {
    this.wantsData = true;
    if (Date.now() >= this.throttledUntilMs) this.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.socket.destroyed) callback();
    else this.socket.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.socket.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    this.socket.destroy();
    callback(error);
  }

  private onData(chunk: Buffer): void {
    if (!this.scan(chunk)) return;
    if (!this.push(chunk)) {
      this.wantsData = false;
      this.socket.pause();
    }
  }

  /** Walks the MQTT framing (type byte, variable-length "remaining length", body) over the chunk. */
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
      if (byte & 0x80 && this.lengthBytes < 4) continue;
      if (this.lengthValue > this.maxPacketBytes) {
        this.onOversize(this.lengthValue);
        this.destroy();
        return false;
      }
      this.bodyLeft = this.lengthValue;
      this.state = this.bodyLeft === 0 ? "type" : "body";
    }
    return true;
  }
}
