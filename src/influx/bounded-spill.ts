import type { EventBus } from "../aggregator/event-bus.js";
import type { Logger } from "../logging.js";
import type { DiskBuffer } from "./disk-buffer.js";
import type { HistoryPoint } from "./history-point.js";

export interface SinkEvents {
  /** The on-disk buffer is full: points are being dropped (once per episode). */
  buffer_full: { droppedPoints: number; bufferedBytes: number; maxBytes: number; atMs: number };
  /** Room again in the buffer (below 90 % of its limit) after a buffer_full. */
  buffer_recovered: { droppedInEpisode: number; bufferedBytes: number; atMs: number };
}

/** Below this share of its limit the buffer counts as having room again. */
const RECOVERED_SHARE = 0.9;

/**
 * Puts batches InfluxDB could not take into the on-disk buffer, within its limit. Past the limit, new points are
 * dropped and counted until the buffer is below 90 % again; each such episode is logged once and announced on the
 * bus (buffer_full, then buffer_recovered).
 */
export class BoundedSpill {
  private fullEpisode: { dropped: number } | null = null;
  private spilled = 0;
  private dropped = 0;

  constructor(
    private readonly buffer: DiskBuffer,
    private readonly logger: Logger,
    private readonly bus: EventBus<SinkEvents>,
    private readonly now: () => number,
  ) {}

  get spilledPoints(): number {
    return this.spilled;
  }

  get droppedPoints(): number {
    return this.dropped;
  }

  /** Appends to the buffer; once it is full, drops everything new until it has room again. */
  spill(points: readonly HistoryPoint[]): void {
    if (points.length === 0) return;
    const buffer = this.buffer;
    // Once full, everything new is dropped until there is room again, so what is kept has no holes.
    const kept = this.fullEpisode ? 0 : buffer.append(points);
    const dropped = points.length - kept;
    this.spilled += kept;
    if (dropped > 0) {
      this.dropped += dropped;
      if (!this.fullEpisode) {
        this.fullEpisode = { dropped: 0 };
        this.logger.error(
          { bufferedBytes: buffer.bytes, maxBytes: buffer.maxBytes },
          "InfluxDB buffer full: new points are dropped until it has room again (InfluxDB must take writes)",
        );
        this.fullEpisode.dropped += dropped;
        this.bus.emit("buffer_full", {
          droppedPoints: dropped,
          bufferedBytes: buffer.bytes,
          maxBytes: buffer.maxBytes,
          atMs: this.now(),
        });
      } else {
        this.fullEpisode.dropped += dropped;
      }
    }
  }

  /** Called after the buffer shrank: ends a full episode once it is below 90 % of its limit. */
  checkRecovered(): void {
    const buffer = this.buffer;
    if (!this.fullEpisode || buffer.bytes >= buffer.maxBytes * RECOVERED_SHARE) return;
    const droppedInEpisode = this.fullEpisode.dropped;
    this.fullEpisode = null;
    this.logger.warn({ droppedInEpisode }, "InfluxDB buffer has room again");
    this.bus.emit("buffer_recovered", { droppedInEpisode, bufferedBytes: buffer.bytes, atMs: this.now() });
  }
}
