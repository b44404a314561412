import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import type { HistoryPoint, RetentionPolicyName } from "./history-point.js";

export interface DiskBufferOptions {
  /** e.g. `<dataDir>/influx-buffer`; created when missing. */
  dir: string;
  /** Bytes of all segment files together; a point that would pass this is refused. */
  maxBytes: number;
  /** Size at which a new segment file is started (default: maxBytes / 16, between 64 KiB and 8 MiB). */
  segmentMaxBytes?: number;
}

interface Segment {
  seq: number;
  bytes: number;
  points: number;
}

export interface ReadSegment {
  seq: number;
  points: HistoryPoint[];
  /** Lines that could not be read back (a line cut short by a crash while it was written). */
  unreadableLines: number;
}

const SEGMENT_NAME = /^segment-(\d{12})\.jsonl$/;
const segmentName = (seq: number) => `segment-${String(seq).padStart(12, "0")}.jsonl`;

/**
 * Points InfluxDB has not taken yet, kept on disk in order: append-only segment files of one JSON array per point,
 * oldest first. A segment is read whole and deleted once every point in it is written, so a crash replays at most
 * one segment twice (harmless: InfluxDB keeps one point per series and time). Segments found at start are never
 * appended to again, since the last line of one may have been cut short by a crash.
 */
export class DiskBuffer {
  private readonly segments: Segment[] = [];
  private current: { seq: number; fd: number } | null = null;
  private totalBytes = 0;
  private totalPoints = 0;
  private nextSeq = 1;
  private readonly segmentMaxBytes: number;

  constructor(private readonly options: DiskBufferOptions) {
    this.segmentMaxBytes =
      options.segmentMaxBytes ??
      Math.min(8 * 1024 * 1024, Math.max(64 * 1024, Math.floor(options.maxBytes / 16)));
  }

  /** Finds the segments left by an earlier run. */
  open(): void {
    mkdirSync(this.options.dir, { recursive: true });
    const found = readdirSync(this.options.dir)
      .map((name) => ({ name, match: SEGMENT_NAME.exec(name) }))
      .filter((f) => f.match)
      .map((f) => ({ name: f.name, seq: Number(f.match![1]) }))
      .sort((a, b) => a.seq - b.seq);
    for (const f of found) {
      const path = join(this.options.dir, f.name);
      const bytes = statSync(path).size;
      if (bytes === 0) {
        unlinkSync(path);
        continue;
      }
      const points = countLines(readFileSync(path));
      this.segments.push({ seq: f.seq, bytes, points });
      this.totalBytes += bytes;
      this.totalPoints += points;
      this.nextSeq = f.seq + 1;
    }
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get points(): number {
    return this.totalPoints;
  }

  get isEmpty(): boolean {
    return this.totalPoints === 0;
  }

  get maxBytes(): number {
    return this.options.maxBytes;
  }

  /** Appends points in order until the limit; returns how many were kept (the rest must be counted as dropped). */
  append(points: readonly HistoryPoint[]): number {
    let kept = 0;
    let chunk = "";
    let chunkBytes = 0;
    let chunkPoints = 0;
    const flushChunk = () => {
      if (chunkPoints === 0) return;
      this.writeToCurrent(chunk, chunkBytes, chunkPoints);
      chunk = "";
      chunkBytes = 0;
      chunkPoints = 0;
    };
    for (const p of points) {
      const line = `${JSON.stringify([p.rp, p.measurement, p.tags, p.fields, p.timeMs])}\n`;
      const lineBytes = Buffer.byteLength(line);
      if (this.totalBytes + chunkBytes + lineBytes > this.options.maxBytes) break;
      if (
        this.currentBytes() + chunkBytes + lineBytes > this.segmentMaxBytes &&
        this.currentBytes() + chunkBytes > 0
      ) {
        flushChunk();
        this.rotate();
      }
      chunk += line;
      chunkBytes += lineBytes;
      chunkPoints += 1;
      kept += 1;
    }
    flushChunk();
    return kept;
  }

  /** The oldest segment's points (closing it first if it is still being appended to); null when empty. */
  readOldest(): ReadSegment | null {
    const oldest = this.segments[0];
    if (!oldest) return null;
    if (this.current?.seq === oldest.seq) this.rotate();
    const text = readFileSync(join(this.options.dir, segmentName(oldest.seq)), "utf8");
    const points: HistoryPoint[] = [];
    let unreadableLines = 0;
    for (const line of text.split("\n")) {
      if (line === "") continue;
      const point = parseLine(line);
      if (point) points.push(point);
      else unreadableLines += 1;
    }
    return { seq: oldest.seq, points, unreadableLines };
  }

  /** Deletes a segment whose points are all in InfluxDB. */
  remove(seq: number): void {
    const index = this.segments.findIndex((s) => s.seq === seq);
    if (index < 0) return;
    const [segment] = this.segments.splice(index, 1);
    if (this.current?.seq === seq) this.rotate();
    unlinkSync(join(this.options.dir, segmentName(seq)));
    this.totalBytes -= segment!.bytes;
    this.totalPoints -= segment!.points;
  }

  /** Flushes the open segment to disk and closes it. */
  close(): void {
    this.rotate();
  }

  private currentBytes(): number {
    if (!this.current) return 0;
    return this.segments[this.segments.length - 1]?.bytes ?? 0;
  }

  private writeToCurrent(text: string, bytes: number, points: number): void {
    if (!this.current) {
      mkdirSync(this.options.dir, { recursive: true });
      const seq = this.nextSeq++;
      const fd = openSync(join(this.options.dir, segmentName(seq)), "a");
      this.current = { seq, fd };
      this.segments.push({ seq, bytes: 0, points: 0 });
    }
    writeSync(this.current.fd, text);
    const segment = this.segments[this.segments.length - 1]!;
    segment.bytes += bytes;
    segment.points += points;
    this.totalBytes += bytes;
    this.totalPoints += points;
  }

  private rotate(): void {
    const current = this.current;
    if (!current) return;
    this.current = null;
    fsyncSync(current.fd);
    closeSync(current.fd);
  }
}

function countLines(data: Buffer): number {
  let n = 0;
  for (let i = data.indexOf(10); i >= 0; i = data.indexOf(10, i + 1)) n += 1;
  return n;
}

function parseLine(line: string): HistoryPoint | null {
  try {
    const [rp, measurement, tags, fields, timeMs] = JSON.parse(line) as [
      RetentionPolicyName,
      string,
      HistoryPoint["tags"],
      HistoryPoint["fields"],
      number,
    ];
    if (typeof rp !== "string" || typeof measurement !== "string" || typeof timeMs !== "number") return null;
    if (!tags || typeof tags !== "object" || !fields || typeof fields !== "object") return null;
    return { rp, measurement, tags, fields, timeMs };
  } catch {
    return null;
  }
}
