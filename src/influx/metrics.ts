import { Counter, Gauge, type Registry } from "prom-client";
import type { InfluxHistoryStats } from "./influx-history.js";

/** Prometheus metrics of the InfluxDB sink, read from its stats() at scrape time. */
export function registerInfluxMetrics(registry: Registry, sink: { stats(): InfluxHistoryStats }): void {
  const seen = new Map<string, number>();
  const counter = (name: string, help: string, read: (s: InfluxHistoryStats) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const value = read(sink.stats());
        const previous = seen.get(name) ?? 0;
        if (value > previous) this.inc(value - previous);
        seen.set(name, Math.max(previous, value));
      },
    });
  const gauge = (name: string, help: string, read: (s: InfluxHistoryStats) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(sink.stats()));
      },
    });
  counter("hallwatch_influx_points_written_total", "Points InfluxDB took", (s) => s.pointsWritten);
  counter(
    "hallwatch_influx_points_dropped_total",
    "Points dropped because the on-disk buffer was full",
    (s) => s.pointsDropped,
  );
  counter(
    "hallwatch_influx_points_refused_total",
    "Points InfluxDB refused as invalid (HTTP 400), not retried",
    (s) => s.pointsRefused,
  );
  gauge("hallwatch_influx_points_buffered", "Points waiting in the on-disk buffer", (s) => s.pointsBuffered);
  gauge("hallwatch_influx_buffer_bytes", "Size of the on-disk buffer", (s) => s.bufferedBytes);
  gauge("hallwatch_influx_points_pending", "Points in memory not yet sent", (s) => s.pointsPending);
  gauge(
    "hallwatch_influx_buffer_points_in_memory",
    "Buffered points kept in memory because the buffer's disk refuses writes (full, read-only)",
    (s) => s.pointsInMemory,
  );
  gauge("hallwatch_influx_buffer_disk_ok", "0 while the buffer's disk refuses writes", (s) =>
    s.bufferDiskFault ? 0 : 1,
  );
  gauge("hallwatch_influx_batches_in_flight", "Write requests under way", (s) => s.batchesInFlight);
  gauge("hallwatch_influx_reachable", "1 while InfluxDB takes writes", (s) => (s.influxReachable ? 1 : 0));
  gauge("hallwatch_influx_last_error_timestamp_seconds", "When the last write failed (0: never)", (s) =>
    s.lastError ? s.lastError.atMs / 1000 : 0,
  );
}
