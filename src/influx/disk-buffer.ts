import {
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { isStorageError, storageErrorText } from "../store/storage-errors.js";
import type { HistoryPoint, RetentionPolicyName } from "./history-point.js";

export interface DiskBufferOptions {
  /** e.g. `<dataDir>/influx-buffer`; created when missing. */
  dir: string;
  /** Bytes of all segment files together; a point that would pass this is refused. */
  maxBytes: number;
  /** Size at which a new segment file is started (default: maxBytes / 16, between 64 KiB and 8 MiB). */
  segmentMaxBytes?: number;
  /** While the disk cannot take writes (full, read-only), points are kept in memory up to this (default 32 MiB). */
  memoryMaxBytes?: number;
  /** How often the disk is tried again while it refuses writes (default 5 s). */
  diskRetryMs?: number;
  now?: () => number;
}

interface Segment {
  seq: number;
  bytes: number;
  points: number;
  /** Set on a segment kept in memory because the disk refused it. */
  memory: HistoryPoint[] | null;
}

/** Why the disk refuses writes, and since when; null while it takes them. */
export interface DiskFault {
  message: string;
  sinceMs: number;
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
 *
 * A disk that refuses a write (ENOSPC, EIO, EROFS) never takes the process down: the segment is cut back to its
 * last whole line, and points go to segments in memory (bounded by memoryMaxBytes, in the same order) until the
 * disk takes writes again, which is tried every diskRetryMs.
 */
export class DiskBuffer {
  private readonly segments: Segment[] = [];
  private current: { seq: number; fd: number } | null = null;
  private totalBytes = 0;
  private totalPoints = 0;
  private nextSeq = 1;
  private readonly segmentMaxBytes: number;
  private readonly memoryMaxBytes: number;
  private memoryBytes = 0;
  private fault: DiskFault | null = null;
  private retryDiskAtMs = 0;
  private readonly now: () => number;

  constructor(private readonly options: DiskBufferOptions) {
    this.now = options.now ?? Date.now;
    this.memoryMaxBytes = options.memoryMaxBytes ?? 32 * 1024 * 1024;
    this.segmentMaxBytes =
      options.segmentMaxBytes ??
      Math.min(8 * 1024 * 1024, Math.max(64 * 1024, Math.floor(options.maxBytes / 16)));
  }

  /** Finds the segments left by an earlier run. */
  open(): void {
    try {
      mkdirSync(this.options.dir, { recursive: true });
    } catch (err) {
      if (!isStorageError(err)) throw err;
      this.diskFailed(err);
      return;
    }
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
      this.segments.push({ seq: f.seq, bytes, points, memory: null });
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

  /** Why the disk refuses writes (points are then kept in memory); null while it takes them. */
  get diskFault(): DiskFault | null {
    // Nothing waits in memory and the retry time has come: the next write tries the disk anyway.
    if (this.fault && this.memoryBytes === 0 && this.now() >= this.retryDiskAtMs) this.fault = null;
    return this.fault;
  }

  /** Points kept in memory because the disk refused them. */
  get memoryPoints(): number {
    let n = 0;
    for (const s of this.segments) if (s.memory) n += s.points;
    return n;
  }

  /** Appends points in order until the limit; returns how many were kept (the rest must be counted as dropped). */
  append(points: readonly HistoryPoint[]): number {
    let kept = 0;
    let chunk = "";
    let chunkBytes = 0;
    let chunkPoints: HistoryPoint[] = [];
    const flushChunk = () => {
      if (chunkPoints.length === 0) return;
      kept -= this.writeToCurrent(chunk, chunkBytes, chunkPoints);
      chunk = "";
      chunkBytes = 0;
      chunkPoints = [];
    };
    if (this.fault && this.now() >= this.retryDiskAtMs) this.fault = null; // try the disk again
    for (const p of points) {
      const line = lineOf(p);
      const lineBytes = Buffer.byteLength(line);
      if (this.totalBytes + chunkBytes + lineBytes > this.options.maxBytes) break;
      if (this.fault) {
        flushChunk();
        if (!this.keepInMemory(p, lineBytes)) break;
        kept += 1;
        continue;
      }
      if (
        this.currentBytes() + chunkBytes + lineBytes > this.segmentMaxBytes &&
        this.currentBytes() + chunkBytes > 0
      ) {
        flushChunk();
        this.rotate();
      }
      chunk += line;
      chunkBytes += lineBytes;
      chunkPoints.push(p);
      kept += 1;
    }
    flushChunk();
    return kept;
  }

  /** The oldest segment's points (closing it first if it is still being appended to); null when empty. */
  readOldest(): ReadSegment | null {
    const oldest = this.segments[0];
    if (!oldest) return null;
    if (oldest.memory) return { seq: oldest.seq, points: [...oldest.memory], unreadableLines: 0 };
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
    if (segment!.memory) this.memoryBytes -= segment!.bytes;
    else unlinkSync(join(this.options.dir, segmentName(seq)));
    this.totalBytes -= segment!.bytes;
    this.totalPoints -= segment!.points;
  }

  /** Flushes the open segment to disk and closes it; points kept in memory go to disk if it takes them now. */
  close(): void {
    this.rotate();
    this.persistMemory();
  }

  /** Writes memory segments to their own files (same sequence numbers, so the order holds at the next start). */
  private persistMemory(): void {
    for (const segment of this.segments) {
      if (!segment.memory) continue;
      const path = join(this.options.dir, segmentName(segment.seq));
      const data = Buffer.from(segment.memory.map(lineOf).join(""));
      let fd: number | null = null;
      try {
        mkdirSync(this.options.dir, { recursive: true });
        fd = openSync(path, "w");
        for (let offset = 0; offset < data.length; ) offset += writeSync(fd, data, offset);
        fsyncSync(fd);
      } catch (err) {
        if (!isStorageError(err)) throw err;
        this.diskFailed(err);
        try {
          unlinkSync(path);
        } catch {
          // nothing was created
        }
        return;
      } finally {
        if (fd !== null) closeSync(fd);
      }
      this.memoryBytes -= segment.bytes;
      segment.memory = null;
    }
  }

  private currentBytes(): number {
    if (!this.current) return 0;
    return this.segments[this.segments.length - 1]?.bytes ?? 0;
  }

  /**
   * Writes whole lines to the open segment; a disk that refuses sends them to memory instead. Returns how many
   * points neither could keep.
   */
  private writeToCurrent(text: string, bytes: number, points: HistoryPoint[]): number {
    let sizeBefore = 0;
    try {
      if (!this.current) {
        mkdirSync(this.options.dir, { recursive: true });
        const seq = this.nextSeq++;
        const fd = openSync(join(this.options.dir, segmentName(seq)), "a");
        this.current = { seq, fd };
        this.segments.push({ seq, bytes: 0, points: 0, memory: null });
      }
      const fd = this.current.fd;
      sizeBefore = fstatSync(fd).size;
      const data = Buffer.from(text);
      // writeSync may take only part of the data (a disk filling up): write the rest, or fail.
      for (let offset = 0; offset < data.length; ) offset += writeSync(fd, data, offset);
    } catch (err) {
      if (!isStorageError(err)) throw err;
      this.abandonCurrent(sizeBefore);
      this.diskFailed(err);
      let lost = 0;
      for (const p of points) {
        const lineBytes = Buffer.byteLength(lineOf(p));
        if (lost > 0 || !this.keepInMemory(p, lineBytes)) lost += 1;
      }
      return lost;
    }
    const segment = this.segments[this.segments.length - 1]!;
    segment.bytes += bytes;
    segment.points += points.length;
    this.totalBytes += bytes;
    this.totalPoints += points.length;
    return 0;
  }

  /** Cuts the open segment back to its last whole line and closes it; an empty one is deleted. */
  private abandonCurrent(sizeBefore: number): void {
    const current = this.current;
    if (!current) return;
    this.current = null;
    try {
      ftruncateSync(current.fd, sizeBefore);
    } catch {
      // A line cut short is skipped and counted when read back.
    }
    try {
      closeSync(current.fd);
    } catch {
      // closed either way
    }
    const segment = this.segments[this.segments.length - 1];
    if (segment && segment.seq === current.seq && segment.points === 0) {
      this.segments.pop();
      try {
        unlinkSync(join(this.options.dir, segmentName(current.seq)));
      } catch {
        // an empty file is ignored at the next start
      }
    }
  }

  private diskFailed(err: unknown): void {
    const nowMs = this.now();
    if (!this.fault) this.fault = { message: storageErrorText(err), sinceMs: nowMs };
    this.retryDiskAtMs = nowMs + (this.options.diskRetryMs ?? 5_000);
  }

  /** Appends to the newest segment when it is in memory, else starts one; false when memory is full too. */
  private keepInMemory(point: HistoryPoint, lineBytes: number): boolean {
    if (this.memoryBytes + lineBytes > this.memoryMaxBytes) return false;
    let last = this.segments[this.segments.length - 1];
    if (!last?.memory || last.bytes + lineBytes > this.segmentMaxBytes) {
      if (this.current) this.rotate();
      last = { seq: this.nextSeq++, bytes: 0, points: 0, memory: [] };
      this.segments.push(last);
    }
    last.memory!.push(point);
    last.bytes += lineBytes;
    last.points += 1;
    this.memoryBytes += lineBytes;
    this.totalBytes += lineBytes;
    this.totalPoints += 1;
    return true;
  }

  private rotate(): void {
    const current = this.current;
    if (!current) return;
    this.current = null;
    try {
      fsyncSync(current.fd);
    } catch (err) {
      if (!isStorageError(err)) throw err;
      this.diskFailed(err);
    } finally {
      closeSync(current.fd);
    }
  }
}

function lineOf(p: HistoryPoint): string {
  return `${JSON.stringify([p.rp, p.measurement, p.tags, p.fields, p.timeMs])}\n`;
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
