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
 * The aggregator's write-ahead log: every message is appended here with one write(2) before the broker gets its
 * PUBACK, so a message the broker let go of is on disk. A write(2) that returned is in the page cache and
 * survives SIGKILL of the process (not a power loss: there is no fsync per message). On start the messages past
 * the last checkpoint are replayed; a checkpoint deletes the segments whose messages SQLite and the InfluxDB
 * buffer have durably taken (see docs/reliability.md). JSON lines: `{"t":topic,"p":base64,"r":receivedMs,"k":0|1}`.
 */
export class IngestLog {
  private fd: number | null = null;
  private segmentId = 0;
  private appendedInSegment = 0;

  constructor(private readonly options: IngestLogOptions) {}

  /** Opens a new segment for appends after those left by an earlier run. */
  open(): void {
    mkdirSync(this.options.dir, { recursive: true, mode: 0o700 });
    this.segmentId = Math.max(0, ...this.segmentIds());
    this.openNextSegment();
  }

  /** Appends one message with a single write(2); throws when it could not (disk full, I/O error). */
  append(message: LoggedMessage): void {
    if (this.fd === null) throw new Error("ingest log is not open");
    const line = `{"t":${JSON.stringify(message.topic)},"p":"${message.payload.toString("base64")}","r":${message.receivedMs},"k":${message.retain ? 1 : 0}}\n`;
    const bytes = Buffer.from(line);
    let written = 0;
    while (written < bytes.length) written += writeSync(this.fd, bytes, written);
    this.appendedInSegment += 1;
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

  /** Closes the current segment and starts the next; returns the id of the closed one. */
  rotate(): number {
    const closed = this.segmentId;
    this.openNextSegment();
    return closed;
  }

  /** Deletes the segments up to and including `segmentId`: everything in them is durable elsewhere. */
  removeThrough(segmentId: number): void {
    for (const id of this.segmentIds()) if (id <= segmentId) rmSync(this.path(id), { force: true });
  }

  close(): void {
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

function parseLine(line: string): LoggedMessage | null {
  try {
    const raw = JSON.parse(line) as { t?: unknown; p?: unknown; r?: unknown; k?: unknown };
    if (typeof raw.t !== "string" || typeof raw.p !== "string" || typeof raw.r !== "number") return null;
    return { topic: raw.t, payload: Buffer.from(raw.p, "base64"), receivedMs: raw.r, retain: raw.k === 1 };
  } catch {
    return null;
  }
}
