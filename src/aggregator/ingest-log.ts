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
 * buffer have durably taken (see docs/reliability.md). JSON lines: `{"t":topic,"p":base64,"r":receivedMs,"k":0|1}`.
 */
export class IngestLog {
  private fd: number | null = null;
  private segmentId = 0;
  private appendedInSegment = 0;
  /** Lines appended and not yet written. */
  private pending: string[] = [];
  /** A write failed part-way: the segment may end in a torn line, so the next commit starts a new one. */
  private segmentTorn = false;

  constructor(private readonly options: IngestLogOptions) {}

  /** Opens a new segment for appends after those left by an earlier run. */
  open(): void {
    mkdirSync(this.options.dir, { recursive: true, mode: 0o700 });
    this.segmentId = Math.max(0, ...this.segmentIds());
    this.openNextSegment();
  }

  /** Appends one message, in memory until the next commit(); throws when the log is not open. */
  append(message: LoggedMessage): void {
    if (this.fd === null) throw new Error("ingest log is not open");
    this.pending.push(
      `{"t":${JSON.stringify(message.topic)},"p":"${message.payload.toString("base64")}","r":${message.receivedMs},"k":${message.retain ? 1 : 0}}\n`,
    );
    this.appendedInSegment += 1;
  }

  /** Lines appended and not yet written by commit(). */
  get pendingLines(): number {
    return this.pending.length;
  }

  /**
   * Writes every pending line with one write(2) (more only if the kernel takes part of it). When the disk refuses
   * (full, I/O error) the lines it did not take whole are dropped and an IngestLogWriteError says how many: their
   * messages are then only in memory, which the caller counts.
   */
  commit(): void {
    if (this.pending.length === 0) return;
    const lines = this.pending;
    this.pending = [];
    let written = 0;
    let linesWritten = 0;
    try {
      if (this.fd === null) throw new Error("ingest log is not open");
      if (this.segmentTorn) {
        this.openNextSegment();
        this.segmentTorn = false;
        this.appendedInSegment = lines.length;
      }
      const bytes = Buffer.from(lines.length === 1 ? (lines[0] as string) : lines.join(""));
      try {
        while (written < bytes.length) written += writeSync(this.fd, bytes, written);
      } catch (err) {
        if (written > 0) this.segmentTorn = true;
        linesWritten = countNewlines(bytes, written);
        throw err;
      }
    } catch (err) {
      throw new IngestLogWriteError(lines.length - linesWritten, err as Error);
    }
  }

  /** Messages appended since the last rotate(). */
  get pendingInSegment(): number {
    return this.appendedInSegment;
  }

  /**
   * Every message in the log, oldest first, segment by segment; lines cut short by a crash are counted in
   * `unreadable` and skipped.
   */
  *entries(): Generator<LoggedMessage, void, undefined> {
    for (const id of this.segmentIds()) {
      let text: string;
      try {
        text = readFileSync(this.path(id), "utf8");
      } catch {
        continue;
      }
      for (const line of text.split("\n")) {
        if (line.length === 0) continue;
        const message = parseLine(line);
        if (message) yield message;
        else this.unreadableLines += 1;
      }
    }
  }

  /** Lines found torn or unreadable while reading entries(). */
  unreadableLines = 0;

  /** Closes the current segment and starts the next; returns the id of the closed one. Commit first. */
  rotate(): number {
    if (this.pending.length > 0) throw new Error("ingest log rotated with lines not yet written");
    const closed = this.segmentId;
    this.openNextSegment();
    return closed;
  }

  /** Deletes the segments up to and including `segmentId`: everything in them is durable elsewhere. */
  removeThrough(segmentId: number): void {
    for (const id of this.segmentIds()) if (id <= segmentId) rmSync(this.path(id), { force: true });
  }

  /** Closes the segment; lines not yet committed are dropped (commit first). */
  close(): void {
    this.pending = [];
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private openNextSegment(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.segmentId += 1;
    this.fd = openSync(this.path(this.segmentId), "a", 0o600);
    this.appendedInSegment = 0;
  }

  private segmentIds(): number[] {
    let names: string[];
    try {
      names = readdirSync(this.options.dir);
    } catch {
      return [];
    }
    return names
      .filter((f) => /^\d+\.log$/.test(f))
      .map((f) => Number.parseInt(f, 10))
      .sort((a, b) => a - b);
  }

  private path(id: number): string {
    return join(this.options.dir, `${String(id).padStart(10, "0")}.log`);
  }
}

function countNewlines(bytes: Buffer, end: number): number {
  let n = 0;
  for (let i = bytes.indexOf(10); i !== -1 && i < end; i = bytes.indexOf(10, i + 1)) n += 1;
  return n;
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
