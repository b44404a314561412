import { EventBus } from "../aggregator/event-bus.js";
import type { Logger } from "../logging.js";
import { Backoff } from "../util/backoff.js";
import { splitByPolicy } from "./batches.js";
import { BoundedSpill, type SinkEvents } from "./bounded-spill.js";
import type { DiskBuffer } from "./disk-buffer.js";
import type { HistoryPoint } from "./history-point.js";
import { type PointTarget, refusedPoints } from "./influx-target.js";

export interface PointWriterOptions {
  target: PointTarget;
  buffer: DiskBuffer;
  logger: Logger;
  batchPoints: number;
  flushIntervalMs: number;
  maxBatchesInFlight: number;
  retry?: { initialDelayMs: number; maxDelayMs: number };
  /** Told of every batch InfluxDB took. */
  onWritten?: (points: readonly HistoryPoint[]) => void;
  /** How long stop() waits for writes under way before persisting their points (default 5 s). */
  stopTimeoutMs?: number;
  now?: () => number;
}

export interface PointWriterStats {
  pointsWritten: number;
  /** Points refused by InfluxDB as invalid (HTTP 400): never retried. */
  pointsRefused: number;
  pointsDropped: number;
  /** Points that went through the on-disk buffer (outages, bursts beyond the writes in flight and queued). */
  pointsSpilled: number;
  pointsBuffered: number;
  bufferedBytes: number;
  pointsPending: number;
  batchesInFlight: number;
  /** Lines of the buffer that could not be read back (cut short by a crash). */
  unreadableBufferLines: number;
  influxReachable: boolean;
  lastError: { message: string; atMs: number } | null;
}

interface Flight {
  points: readonly HistoryPoint[];
  /** The request has ended (either way). */
  done: boolean;
  /** Its points were put in the buffer by stop() while it was still under way. */
  persisted: boolean;
  fromBuffer: boolean;
}

/**
 * Batches points (batchPoints, or every flushIntervalMs), writes at most maxBatchesInFlight batches at once, and
 * puts every batch that fails into the on-disk buffer. While the buffer holds anything, new batches join it behind
 * the older ones, and one replay loop writes it back oldest first, waiting with capped exponential backoff and
 * jitter between failed attempts. So an outage of InfluxDB costs nothing up to the buffer's limit.
 */
export class PointWriter {
  readonly bus: EventBus<SinkEvents>;
  private pending: HistoryPoint[] = [];
  private readonly queue: HistoryPoint[][] = [];
  private readonly flights = new Set<Flight>();
  private readonly slotWaiters: (() => void)[] = [];
  private readonly backoff: Backoff;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private ready = false;
  private stopped = false;
  private replaying: Promise<void> | null = null;
  private readonly sleepers = new Set<() => void>();
  private readonly disk: BoundedSpill;
  private reachable = true;
  private counts = { written: 0, refused: 0, unreadable: 0 };
  private lastError: { message: string; atMs: number } | null = null;

  constructor(private readonly options: PointWriterOptions) {
    this.bus = new EventBus<SinkEvents>(options.logger);
    this.now = options.now ?? Date.now;
    this.disk = new BoundedSpill(options.buffer, options.logger, this.bus, this.now);
    this.backoff = new Backoff({
      initialDelayMs: options.retry?.initialDelayMs ?? 200,
      maxDelayMs: options.retry?.maxDelayMs ?? 30_000,
      jitter: 0.5,
    });
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.flush(), this.options.flushIntervalMs);
    this.timer.unref();
    if (!this.options.buffer.isEmpty)
      this.options.logger.info(
        { points: this.options.buffer.points, bytes: this.options.buffer.bytes },
        "InfluxDB buffer holds points from an earlier run; replaying them",
      );
  }

  /** Writes are held in the buffer until the database is set up (schema managed) or from the start. */
  setReady(ready: boolean): void {
    this.ready = ready;
    if (ready) this.replay();
  }

  add(point: HistoryPoint): void {
    if (this.stopped) {
      this.spill([point]);
      this.options.buffer.close();
      return;
    }
    this.pending.push(point);
    if (this.pending.length >= this.options.batchPoints) this.flush();
  }

  /** Hands the points gathered so far to InfluxDB (or the buffer): one batch per retention policy. */
  flush(): void {
    if (this.pending.length === 0) return;
    const points = this.pending;
    this.pending = [];
    for (const batch of splitByPolicy(points, this.options.batchPoints)) this.dispatch(batch);
  }

  stats(): PointWriterStats {
    const inFlight = this.activeFlights();
    return {
      pointsWritten: this.counts.written,
      pointsRefused: this.counts.refused,
      pointsDropped: this.disk.droppedPoints,
      pointsSpilled: this.disk.spilledPoints,
      pointsBuffered: this.options.buffer.points,
      bufferedBytes: this.options.buffer.bytes,
      pointsPending: this.pending.length + this.queue.reduce((n, b) => n + b.length, 0),
      batchesInFlight: inFlight,
      unreadableBufferLines: this.counts.unreadable,
      influxReachable: this.reachable,
      lastError: this.lastError,
    };
  }

  /** Resolves once nothing is pending, queued, in flight or buffered (tests and benchmarks). */
  async drained(pollMs = 20): Promise<void> {
    this.flush();
    while (
      this.pending.length > 0 ||
      this.queue.length > 0 ||
      this.activeFlights() > 0 ||
      !this.options.buffer.isEmpty
    ) {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /**
   * Resolves once every point added before the call is durable: written to InfluxDB (or refused by it), or in
   * the on-disk buffer. The aggregator's ingest log waits for this before it deletes messages (docs/reliability.md).
   */
  async persisted(pollMs = 20): Promise<void> {
    this.flush();
    const volatile = new Set<readonly HistoryPoint[]>(this.queue);
    for (const f of this.flights) if (!f.fromBuffer && !f.done && !f.persisted) volatile.add(f.points);
    const stillVolatile = (batch: readonly HistoryPoint[]) => {
      if (this.queue.some((queued) => queued === batch)) return true;
      for (const f of this.flights) if (f.points === batch && !f.done && !f.persisted) return true;
      return false;
    };
    while ([...volatile].some(stillVolatile)) {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /**
   * Writes what it can within stopTimeoutMs and persists the rest to the buffer: points pending, queued, and those
   * of writes still under way (should such a write land after all, its points are written twice, which InfluxDB
   * stores once).
   */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.flush();
    this.stopped = true;
    for (const wake of [...this.sleepers]) wake();
    const deadline = this.now() + (this.options.stopTimeoutMs ?? 5_000);
    while ((this.queue.length > 0 || this.activeFlights() > 0) && this.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    for (const batch of this.queue.splice(0)) this.spill(batch);
    for (const f of this.flights) {
      if (!f.done && !f.fromBuffer && !f.persisted) {
        f.persisted = true;
        this.spill(f.points);
      }
    }
    await this.replaying;
    this.options.buffer.close();
  }

  private activeFlights(): number {
    let n = 0;
    for (const f of this.flights) if (!f.done) n += 1;
    return n;
  }

  private dispatch(batch: HistoryPoint[]): void {
    if (!this.ready || !this.options.buffer.isEmpty || this.replaying) {
      this.spill(batch);
      this.replay();
    } else if (this.activeFlights() < this.options.maxBatchesInFlight) {
      void this.send(batch);
    } else if (this.queue.length < this.options.maxBatchesInFlight && !this.stopped) {
      this.queue.push(batch);
    } else {
      this.spill(batch);
      this.replay();
    }
  }

  private async send(batch: HistoryPoint[]): Promise<void> {
    const flight: Flight = { points: batch, done: false, persisted: false, fromBuffer: false };
    const outcome = await this.write(flight);
    if (outcome === "retry" && !flight.persisted) {
      flight.persisted = true;
      this.spill(batch);
    }
    this.flights.delete(flight);
    this.releaseSlot();
    if (outcome === "retry") this.replay();
  }

  /** One attempt: counts the result; "retry" when InfluxDB could not take the batch now. */
  private async write(flight: Flight): Promise<"done" | "retry"> {
    this.flights.add(flight);
    const { points } = flight;
    try {
      await this.options.target.write(points[0]!.rp, points);
      this.counts.written += points.length;
      this.backoff.reset();
      this.options.onWritten?.(points);
      if (!this.reachable) {
        this.reachable = true;
        this.options.logger.info(
          { buffered: this.options.buffer.points },
          "InfluxDB takes writes again; replaying the buffer",
        );
      }
      return "done";
    } catch (err) {
      const message = (err as Error)?.message ?? String(err);
      this.lastError = { message, atMs: this.now() };
      const refused = refusedPoints(err, points.length);
      if (refused !== null) {
        this.counts.refused += refused;
        this.counts.written += points.length - refused;
        this.options.logger.error(
          { err: message, refused, batch: points.length, measurement: points[0]!.measurement },
          "InfluxDB refused points; they are not retried",
        );
        return "done";
      }
      if (this.reachable) {
        this.reachable = false;
        this.options.logger.warn(
          { err: message },
          "InfluxDB write failed; buffering on disk until it is back",
        );
      }
      return "retry";
    } finally {
      flight.done = true;
    }
  }

  private spill(points: readonly HistoryPoint[]): void {
    this.disk.spill(points);
  }

  /** Starts the replay loop unless it runs already (or nothing is buffered, or the database is not set up). */
  private replay(): void {
    if (this.replaying || this.stopped || !this.ready || this.options.buffer.isEmpty) return;
    this.replaying = this.replayLoop().finally(() => {
      this.replaying = null;
      // Points may have been buffered while the last segment was written.
      if (!this.stopped) this.replay();
    });
  }

  private async replayLoop(): Promise<void> {
    const buffer = this.options.buffer;
    while (!this.stopped && this.ready) {
      const segment = buffer.readOldest();
      if (!segment) return;
      if (segment.unreadableLines > 0) {
        this.counts.unreadable += segment.unreadableLines;
        this.options.logger.warn(
          { lines: segment.unreadableLines, segment: segment.seq },
          "InfluxDB buffer: lines cut short by a crash were skipped",
        );
      }
      // The segment's batches go out as many at a time as writes may be in flight; it is deleted once all are in.
      const batches = splitByPolicy(segment.points, this.options.batchPoints);
      let next = 0;
      const worker = async () => {
        while (next < batches.length) {
          const batch = batches[next++]!;
          if (!(await this.writeUntilTaken(batch))) return;
        }
      };
      await Promise.all(Array.from({ length: this.options.maxBatchesInFlight }, worker));
      // Stopped half-way: the segment stays, and the next run writes it again (InfluxDB keeps each point once).
      if (this.stopped) return;
      buffer.remove(segment.seq);
      this.disk.checkRecovered();
    }
  }

  /** Writes a buffered batch, waiting with backoff between failed attempts; false when stopped first. */
  private async writeUntilTaken(batch: HistoryPoint[]): Promise<boolean> {
    for (;;) {
      if (this.stopped) return false;
      const flight: Flight = { points: batch, done: false, persisted: false, fromBuffer: true };
      await this.acquireSlot(flight);
      if (this.stopped) {
        this.flights.delete(flight);
        this.releaseSlot();
        return false;
      }
      const outcome = await this.write(flight);
      this.flights.delete(flight);
      this.releaseSlot();
      if (outcome === "done") return true;
      await this.sleep(this.backoff.nextDelayMs());
    }
  }

  /** Waits for a free slot and takes it for `flight` in the same step, so no other writer can slip in between. */
  private async acquireSlot(flight: Flight): Promise<void> {
    while (this.activeFlights() >= this.options.maxBatchesInFlight) {
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    }
    this.flights.add(flight);
  }

  private releaseSlot(): void {
    this.slotWaiters.shift()?.();
    // With anything buffered, queued batches join the buffer behind it (dispatch does that), keeping the order.
    while (
      this.queue.length > 0 &&
      (!this.options.buffer.isEmpty || this.activeFlights() < this.options.maxBatchesInFlight)
    ) {
      this.dispatch(this.queue.shift()!);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }
}
