// What every consumer under test counts, the same way: telemetry messages, and when the first and the last of
// the current measuring window arrived (performance.timeOrigin + now(), comparable across processes).
export class ConsumerWindow {
  total = 0;
  count = 0;
  firstMs = Number.NaN;
  lastMs = Number.NaN;

  hit(): void {
    const t = performance.timeOrigin + performance.now();
    if (this.count === 0) this.firstMs = t;
    this.lastMs = t;
    this.count += 1;
    this.total += 1;
  }

  reset(): void {
    this.count = 0;
    this.firstMs = Number.NaN;
    this.lastMs = Number.NaN;
  }

  snapshot(): { total: number; count: number; firstMs: number; lastMs: number } {
    return { total: this.total, count: this.count, firstMs: this.firstMs, lastMs: this.lastMs };
  }
}

/** Heap and RSS after a full collection (children run with --expose-gc), for memory per device. */
export type SettledMemory = {
  rssBytes: number;
  heapUsedBytes: number;
  /** V8 heap committed (used or not). */
  heapTotalBytes: number;
  /** Buffers and other memory V8 objects hold outside the heap. */
  externalBytes: number;
};

export function settledMemory(): SettledMemory {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  const m = process.memoryUsage();
  return {
    rssBytes: m.rss,
    heapUsedBytes: m.heapUsed,
    heapTotalBytes: m.heapTotal,
    externalBytes: m.external,
  };
}
