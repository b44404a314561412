import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";

/** One MQTT message as the aggregator received it. */
export interface LoggedMessage {
  topic: string;
  payload: Buffer;
  receivedMs: number;
  retain: boolean;
}

export interface IngestLogOptions {
  /** Holds the segment files `<n>.log`; created if missing. */
  dir: string;
}

/**
 * The aggregator's write-ahead log: every message is appended here before the broker gets its PUBACK, so a message
 * the broker let go of is on disk. Appends are held in memory and written together by commit(), one write(2) for
 * all that arrived in one read (the aggregator commits before anything leaves its connection, see
 * commitBeforeWrites). A write(2) that returned is in the page cache and survives SIGKILL of the process (not a
 * power loss: there is no fsync per message). On start the messages past
 * the last checkpoint are replayed; a checkpoint deletes the segments whose messages SQLite and the InfluxDB
 * buffer have durably taken (see docs/reliability.md). Segments `<n>.hwl` hold binary records (RECORD_HEADER_BYTES,
 * then the topic and the payload as received: no encoding per message); `<n>.log` segments of JSON lines, left by
 * earlier releases, are still read at a replay.
 */
export class IngestLog {
  private fd: number | null = null;
  private segmentId = 0;
  private appendedInSegment = 0;
  /** Records appended and not yet written, end to end in `pending[0, pendingBytes)`. */
  private pending = Buffer.allocUnsafe(INITIAL_BUFFER_BYTES);
  private pendingBytes = 0;
  private pendingCount = 0;
  /** A write failed part-way: the segment may end in a torn record, so the next commit starts a new one. */
  private segmentTorn = false;

  constructor(private readonly options: IngestLogOptions) {}

  /** Opens a new segment for appends after those left by an earlier run. */
  open(): void {
    mkdirSync(this.options.dir, { recursive: true, mode: 0o700 });
    this.segmentId = Math.max(0, ...this.segments().map((s) => s.id));
    this.openNextSegment();
  }

  /** Appends one message, in memory until the next commit(); throws when the log is not open. */
  append(message: LoggedMessage): void {
    if (this.fd === null) throw new Error("ingest log is not open");
    const topicBytes = Buffer.byteLength(message.topic, "utf8");
    const size = RECORD_HEADER_BYTES + topicBytes + message.payload.length;
    if (this.pendingBytes + size > this.pending.length) this.grow(size);
    const buf = this.pending;
    const at = this.pendingBytes;
    buf[at] = MAGIC_0;
    buf[at + 1] = MAGIC_1;
    buf[at + 2] = message.retain ? FLAG_RETAIN : 0;
    buf[at + 3] = 0;
    buf.writeUInt32LE(topicBytes, at + 4);
    buf.writeUInt32LE(message.payload.length, at + 8);
    buf.writeDoubleLE(message.receivedMs, at + 12);
    buf.write(message.topic, at + RECORD_HEADER_BYTES, topicBytes, "utf8");
    message.payload.copy(buf, at + RECORD_HEADER_BYTES + topicBytes);
    this.pendingBytes = at + size;
    this.pendingCount += 1;
    this.appendedInSegment += 1;
  }

  /** Messages appended and not yet written by commit(). */
  get pendingLines(): number {
    return this.pendingCount;
  }

  /**
   * Writes every pending record with one write(2) (more only if the kernel takes part of it). When the disk refuses
   * (full, I/O error) the records it did not take whole are dropped and an IngestLogWriteError says how many: their
   * messages are then only in memory, which the caller counts.
   */
  commit(): void {
    if (this.pendingCount === 0) return;
    const bytes = this.pending;
    const length = this.pendingBytes;
    const count = this.pendingCount;
    this.pendingBytes = 0;
    this.pendingCount = 0;
    let written = 0;
    try {
      if (this.fd === null) throw new Error("ingest log is not open");
      if (this.segmentTorn) {
        this.openNextSegment();
        this.segmentTorn = false;
        this.appendedInSegment = count;
      }
      try {
        while (written < length) written += writeSync(this.fd, bytes, written, length - written);
      } catch (err) {
        if (written > 0) this.segmentTorn = true;
        throw err;
      }
    } catch (err) {
      throw new IngestLogWriteError(count - wholeRecords(bytes, written), err as Error);
    } finally {
      // A burst may have grown the buffer; it does not stay that large.
      if (this.pending.length > MAX_KEPT_BUFFER_BYTES)
        this.pending = Buffer.allocUnsafe(INITIAL_BUFFER_BYTES);
    }
  }

  /** Messages appended since the last rotate(). */
  get pendingInSegment(): number {
    return this.appendedInSegment;
  }

  /**
   * Every message in the log, oldest first, segment by segment; a record cut short by a crash (and anything after
   * it in its segment) is counted in `unreadable` and skipped.
   */
  *entries(): Generator<LoggedMessage, void, undefined> {
    for (const segment of this.segments()) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(this.path(segment.id, segment.format));
      } catch {
        continue;
      }
      const read = segment.format === "binary" ? readRecords(bytes) : readJsonLines(bytes.toString("utf8"));
      for (const message of read) {
        if (message) yield message;
        else this.unreadableLines += 1;
      }
    }
  }

  /** Records found torn or unreadable while reading entries(). */
  unreadableLines = 0;

  /** Closes the current segment and starts the next; returns the id of the closed one. Commit first. */
  rotate(): number {
    if (this.pendingCount > 0) throw new Error("ingest log rotated with lines not yet written");
    const closed = this.segmentId;
    this.openNextSegment();
    return closed;
  }

  /** Deletes the segments up to and including `segmentId`: everything in them is durable elsewhere. */
  removeThrough(segmentId: number): void {
    for (const { id, format } of this.segments())
      if (id <= segmentId) rmSync(this.path(id, format), { force: true });
  }

  /** Closes the segment; records not yet committed are dropped (commit first). */
  close(): void {
    this.pendingBytes = 0;
    this.pendingCount = 0;
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private grow(recordBytes: number): void {
    let size = this.pending.length * 2;
    while (size < this.pendingBytes + recordBytes) size *= 2;
    const bigger = Buffer.allocUnsafe(size);
    this.pending.copy(bigger, 0, 0, this.pendingBytes);
    this.pending = bigger;
  }

  private openNextSegment(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.segmentId += 1;
    this.fd = openSync(this.path(this.segmentId, "binary"), "a", 0o600);
    this.appendedInSegment = 0;
  }

  private segments(): { id: number; format: SegmentFormat }[] {
    let names: string[];
    try {
      names = readdirSync(this.options.dir);
    } catch {
      return [];
    }
    const found: { id: number; format: SegmentFormat }[] = [];
    for (const name of names) {
      const match = /^(\d+)\.(hwl|log)$/.exec(name);
      if (match)
        found.push({
          id: Number.parseInt(match[1] as string, 10),
          format: match[2] === "hwl" ? "binary" : "json",
        });
    }
    return found.sort((a, b) => a.id - b.id);
  }

  private path(id: number, format: SegmentFormat): string {
    return join(this.options.dir, `${String(id).padStart(10, "0")}.${format === "binary" ? "hwl" : "log"}`);
  }
}

type SegmentFormat = "binary" | "json";

/**
 * A record: "H" "W", flags (bit 0: retained), 0, the topic's and the payload's byte lengths (uint32 LE), the receive
 * time (float64 LE, ms since the epoch), then the topic (UTF-8) and the payload.
 */
const RECORD_HEADER_BYTES = 20;
const MAGIC_0 = 0x48;
const MAGIC_1 = 0x57;
const FLAG_RETAIN = 1;
const INITIAL_BUFFER_BYTES = 256 * 1024;
const MAX_KEPT_BUFFER_BYTES = 8 * 1024 * 1024;

/** The record starting at `at` is whole within `end`: its size; 0 when it is cut short or not a record. */
function recordSize(bytes: Buffer, at: number, end: number): number {
  if (end - at < RECORD_HEADER_BYTES || bytes[at] !== MAGIC_0 || bytes[at + 1] !== MAGIC_1) return 0;
  const size = RECORD_HEADER_BYTES + bytes.readUInt32LE(at + 4) + bytes.readUInt32LE(at + 8);
  return at + size <= end ? size : 0;
}

function wholeRecords(bytes: Buffer, end: number): number {
  let n = 0;
  for (let at = 0, size = recordSize(bytes, 0, end); size > 0; at += size, size = recordSize(bytes, at, end))
    n += 1;
  return n;
}

/** The segment's messages; null for what follows a torn or damaged record (one null: the rest cannot be framed). */
function* readRecords(bytes: Buffer): Generator<LoggedMessage | null> {
  let at = 0;
  while (at < bytes.length) {
    const size = recordSize(bytes, at, bytes.length);
    if (size === 0) {
      yield null;
      return;
    }
    const topicBytes = bytes.readUInt32LE(at + 4);
    const start = at + RECORD_HEADER_BYTES;
    yield {
      topic: bytes.toString("utf8", start, start + topicBytes),
      payload: Buffer.from(bytes.subarray(start + topicBytes, at + size)),
      receivedMs: bytes.readDoubleLE(at + 12),
      retain: ((bytes[at + 2] as number) & FLAG_RETAIN) !== 0,
    };
    at += size;
  }
}

/** A segment of JSON lines `{"t":topic,"p":base64,"r":receivedMs,"k":0|1}`, as earlier releases wrote them. */
function* readJsonLines(text: string): Generator<LoggedMessage | null> {
  for (const line of text.split("\n")) if (line.length > 0) yield parseLine(line);
}

/** Lines appended that the disk did not take whole; their messages are in memory only. */
export class IngestLogWriteError extends Error {
  constructor(
    readonly lines: number,
    cause: Error,
  ) {
    super(`ingest log write failed: ${cause.message}`, { cause });
  }
}

function parseLine(line: string): LoggedMessage | null {
  try {
    const raw = JSON.parse(line) as { t?: unknown; p?: unknown; r?: unknown; k?: unknown };
    if (typeof raw.t !== "string" || typeof raw.p !== "string" || typeof raw.r !== "number") return null;
    return { topic: raw.t, payload: Buffer.from(raw.p, "base64"), receivedMs: raw.r, retain: raw.k === 1 };
  } catch {
    return null;
  }
}
