import {
  appendFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";

/** A data message waiting for the broker and the aggregator; session and seq are stamped at replay. */
export interface SpooledMessage {
  topic: string;
  tsMs: number;
  /** The payload without v/session/seq/tsMs/historical. */
  body: Record<string, unknown>;
}

export interface SpoolOptions {
  dir: string;
  /** Upper bound of the spool on disk; past it the oldest segment is dropped (and counted). */
  maxBytes: number;
  messagesPerSegment?: number;
}

/**
 * A bounded, crash-safe FIFO on disk: append-only JSON-lines segments. A segment is deleted only once every
 * message in it was acknowledged; progress inside the head segment is kept in `<segment>.acked`, so a crash
 * during replay re-sends at most the unacknowledged tail.
 */
export class Spool {
  private segments: number[] = [];
  private writeCount = 0;
  private totalBytes = 0;
  private readonly perSegment: number;
  droppedMessages = 0;

  constructor(private readonly options: SpoolOptions) {
    this.perSegment = options.messagesPerSegment ?? 500;
    mkdirSync(options.dir, { recursive: true });
    this.segments = readdirSync(options.dir)
      .filter((f) => /^\d+\.jsonl$/.test(f))
      .map((f) => Number.parseInt(f, 10))
      .sort((a, b) => a - b);
    for (const s of this.segments) this.totalBytes += statSync(this.path(s)).size;
    const last = this.segments.at(-1);
    if (last !== undefined) this.writeCount = this.lines(last).length;
  }

  get isEmpty(): boolean {
    return this.segments.length === 0;
  }

  get sizeBytes(): number {
    return this.totalBytes;
  }

  append(message: SpooledMessage): void {
    let segment = this.segments.at(-1);
    if (segment === undefined || this.writeCount >= this.perSegment) {
      segment = (segment ?? 0) + 1;
      this.segments.push(segment);
      this.writeCount = 0;
    }
    const line = `${JSON.stringify(message)}\n`;
    appendFileSync(this.path(segment), line);
    this.writeCount += 1;
    this.totalBytes += Buffer.byteLength(line);
    while (this.totalBytes > this.options.maxBytes && this.segments.length > 1) this.dropOldest();
  }

  /** The oldest unacknowledged messages of the head segment (empty when the spool is empty). */
  peek(): SpooledMessage[] {
    const head = this.segments[0];
    if (head === undefined) return [];
    return this.lines(head).slice(this.acked(head));
  }

  /** Records that the first `count` messages returned by peek() were delivered. */
  ack(count: number): void {
    const head = this.segments[0];
    if (head === undefined || count <= 0) return;
    const done = this.acked(head) + count;
    if (done >= this.lines(head).length) {
      const wasWriteSegment = head === this.segments.at(-1);
      this.removeSegment(head);
      if (wasWriteSegment) this.writeCount = 0;
    } else {
      writeFileSync(this.ackPath(head), String(done));
    }
  }

  private dropOldest(): void {
    const head = this.segments[0];
    if (head === undefined) return;
    this.droppedMessages += this.lines(head).length - this.acked(head);
    this.removeSegment(head);
  }

  private removeSegment(segment: number): void {
    this.totalBytes -= statSync(this.path(segment)).size;
    rmSync(this.path(segment), { force: true });
    rmSync(this.ackPath(segment), { force: true });
    this.segments = this.segments.filter((s) => s !== segment);
  }

  private lines(segment: number): SpooledMessage[] {
    const text = readFileSync(this.path(segment), "utf8");
    const out: SpooledMessage[] = [];
    for (const line of text.split("\n")) {
      if (line.length === 0) continue;
      try {
        out.push(JSON.parse(line) as SpooledMessage);
      } catch {
        // a line torn by a crash mid-write is skipped
      }
    }
    return out;
  }

  private acked(segment: number): number {
    try {
      return Number.parseInt(readFileSync(this.ackPath(segment), "utf8"), 10) || 0;
    } catch {
      return 0;
    }
  }

  private path(segment: number): string {
    return join(this.options.dir, `${String(segment).padStart(8, "0")}.jsonl`);
  }

  private ackPath(segment: number): string {
    return `${this.path(segment)}.acked`;
  }
}
