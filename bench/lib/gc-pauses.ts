// The garbage collector's pauses in this process (a PerformanceObserver on "gc" entries), since the last reset:
// what a message or an alert waits behind while V8 collects.
import { PerformanceObserver } from "node:perf_hooks";
import { percentile } from "./stats.js";

export interface GcPauseFigures {
  count: number;
  p99PauseMs: number;
  maxPauseMs: number;
  totalPauseMs: number;
}

export class GcPauses {
  private pausesMs: number[] = [];
  private readonly observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) this.pausesMs.push(entry.duration);
  });

  constructor() {
    this.observer.observe({ entryTypes: ["gc"] });
  }

  reset(): void {
    this.pausesMs = [];
  }

  figures(): GcPauseFigures {
    const sorted = [...this.pausesMs].sort((a, b) => a - b);
    return {
      count: sorted.length,
      p99PauseMs: sorted.length > 0 ? percentile(sorted, 99) : 0,
      maxPauseMs: sorted.at(-1) ?? 0,
      totalPauseMs: sorted.reduce((a, b) => a + b, 0),
    };
  }

  stop(): void {
    this.observer.disconnect();
  }
}
