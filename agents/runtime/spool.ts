import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
  /** Upper bound of the spool on disk; past it the oldest messages are dropped (and counted). */
  maxBytes: number;
  /** Upper bound in messages (default: no bound besides maxBytes). */
  maxMessages?: number;
  /** Messages per segment file; by default small enough that one segment is at most 1/8 of the bounds. */
  messagesPerSegment?: number;
}

interface Segment {
  id: number;
  /** Lines written to the file (the first `acked` of them, for the head, are already delivered). */
  count: number;
  bytes: number;
  /** Ends in a line torn by a crash: never appended to again, so the next line stays whole. */
  sealed?: boolean;
}

/**
 * A bounded, crash-safe FIFO on disk: append-only JSON-lines segment files. A segment is deleted only once
 * every message in it was acknowledged (or dropped for space); progress inside the head segment is kept in
 * `<segment>.acked`, so a crash during replay re-sends at most the unacknowledged tail. Every append is a
 * completed write() before it returns: a process crash loses nothing (an OS crash may lose the last writes).
 */
export class Spool {
  private segments: Segment[] = [];
  private headAcked = 0;
  private headLines: SpooledMessage[] | null = null;
  private totalBytes = 0;
  private readonly perSegment: number;
  private readonly segmentMaxBytes: number;
  private readonly maxMessages: number;
  droppedMessages = 0;

  constructor(private readonly options: SpoolOptions) {
    this.maxMessages = options.maxMessages ?? Number.POSITIVE_INFINITY;
    this.perSegment =
      options.messagesPerSegment ?? Math.max(1, Math.min(500, Math.ceil(this.maxMessages / 8)));
    this.segmentMaxBytes = Math.max(1, Math.floor(options.maxBytes / 8));
    mkdirSync(options.dir, { recursive: true });
    const ids = readdirSync(options.dir)
      .filter((f) => /^\d+\.jsonl$/.test(f))
      .map((f) => Number.parseInt(f, 10))
      .sort((a, b) => a - b);
    for (const id of ids) {
      const text = readFileSync(this.path(id), "utf8");
      const count = parseLines(text).length;
      if (count === 0) {
        this.deleteFiles(id);
        continue;
      }
      this.segments.push({ id, count, bytes: Buffer.byteLength(text), sealed: !text.endsWith("\n") });
      this.totalBytes += Buffer.byteLength(text);
    }
    this.headAcked = this.readAcked();
    this.enforceBounds();
  }

  get isEmpty(): boolean {
    return this.size === 0;
  }

  /** Messages waiting to be delivered. */
  get size(): number {
    return this.segments.reduce((n, s) => n + s.count, 0) - this.headAcked;
  }

  get sizeBytes(): number {
    return this.totalBytes;
  }

  append(message: SpooledMessage): void {
    let tail = this.segments.at(-1);
    if (
      tail === undefined ||
      tail.sealed ||
      tail.count >= this.perSegment ||
      tail.bytes >= this.segmentMaxBytes
    ) {
      tail = { id: (tail?.id ?? 0) + 1, count: 0, bytes: 0 };
      this.segments.push(tail);
    }
    const line = `${JSON.stringify(message)}\n`;
    appendFileSync(this.path(tail.id), line);
    tail.count += 1;
    tail.bytes += Buffer.byteLength(line);
    this.totalBytes += Buffer.byteLength(line);
    if (this.headLines !== null && tail === this.segments[0]) this.headLines.push(message);
    this.enforceBounds();
  }

  /** The oldest undelivered messages, in order, from the head segment (empty when the spool is empty). */
  peek(limit = Number.POSITIVE_INFINITY): SpooledMessage[] {
    const head = this.segments[0];
    if (head === undefined) return [];
    this.headLines ??= parseLines(readFileSync(this.path(head.id), "utf8"));
    return this.headLines.slice(this.headAcked, this.headAcked + limit);
  }

  /** Records that the first `count` messages returned by peek() were delivered, and forgets them on disk. */
  ack(count: number): void {
    const head = this.segments[0];
    if (head === undefined || count <= 0) return;
    this.headAcked = Math.min(head.count, this.headAcked + count);
    if (this.headAcked >= head.count) this.removeHead();
    else writeFileSync(this.ackPath(head.id), String(this.headAcked));
  }

  /** Drops the oldest segment while over a bound; the newest segment always stays. */
  private enforceBounds(): void {
    while (
      this.segments.length > 1 &&
      (this.totalBytes > this.options.maxBytes || this.size > this.maxMessages)
    ) {
      const head = this.segments[0]!;
      this.droppedMessages += head.count - this.headAcked;
      this.removeHead();
    }
  }

  private removeHead(): void {
    const head = this.segments.shift();
    if (head === undefined) return;
    this.totalBytes -= head.bytes;
    this.deleteFiles(head.id);
    this.headAcked = this.readAcked();
    this.headLines = null;
  }

  private deleteFiles(id: number): void {
    rmSync(this.path(id), { force: true });
    rmSync(this.ackPath(id), { force: true });
  }

  private readAcked(): number {
    const head = this.segments[0];
    if (head === undefined) return 0;
    try {
      const n = Number.parseInt(readFileSync(this.ackPath(head.id), "utf8"), 10);
      return Number.isSafeInteger(n) && n > 0 ? Math.min(n, head.count) : 0;
    } catch {
      return 0;
    }
  }

  private path(id: number): string {
    return join(this.options.dir, `${String(id).padStart(8, "0")}.jsonl`);
  }

  private ackPath(id: number): string {
    return `${this.path(id)}.acked`;
  }
}

function parseLines(text: string): SpooledMessage[] {
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
