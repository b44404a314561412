import { Counter, Gauge, type Registry } from "prom-client";
import type { WalCheckpointStats } from "../store/checkpoint-worker.js";

/** The SQLite WAL checkpoint thread's counters, read at scrape time. */
export function registerWalCheckpointMetrics(
  registry: Registry,
  source: { stats(): WalCheckpointStats },
): void {
  const counter = (name: string, help: string, read: (s: WalCheckpointStats) => number) => {
    let seen = 0;
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const value = read(source.stats());
        if (value > seen) this.inc(value - seen);
        seen = Math.max(seen, value);
      },
    });
  };
  const gauge = (name: string, help: string, read: (s: WalCheckpointStats) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(source.stats()));
      },
    });
  counter(
    "hallwatch_sqlite_wal_checkpoints_total",
    "WAL checkpoints run by the checkpoint thread",
    (s) => s.checkpoints,
  );
  counter(
    "hallwatch_sqlite_wal_truncations_total",
    "WAL checkpoints in TRUNCATE mode because the WAL was past its size limit",
    (s) => s.truncations,
  );
  counter(
    "hallwatch_sqlite_wal_checkpoint_failures_total",
    "WAL checkpoints that failed (busy, disk full, I/O error) and deaths of the checkpoint thread",
    (s) => s.failures,
  );
  gauge("hallwatch_sqlite_wal_pages", "Pages in the WAL at the last checkpoint", (s) => s.lastWalPages ?? 0);
  gauge(
    "hallwatch_sqlite_wal_checkpoint_fallback",
    "1 when the checkpoint thread died and the main connection checkpoints on its commits again",
    (s) => (s.fallbackActive ? 1 : 0),
  );
}
