import { BatchInsert } from "./sql/batch-insert.js";
import type { SqlEngine, SqlValue } from "./sql/engine.js";

const LOAD = "SELECT name, value FROM counters";
const ADD = new BatchInsert(
  "INSERT INTO counters (name, value)",
  2,
  " ON CONFLICT (name) DO UPDATE SET value = counters.value + excluded.value",
);

/**
 * Monotonic counters that survive restarts (dead letters by reason, lost messages, ...), shared by every node on
 * one database. A node keeps its running totals in memory (started from load()); saveAll adds to each stored row
 * what the node counted since its last save, so nodes add up instead of overwriting each other. One instance per
 * set of totals: the baseline (what this instance loaded or saved last) is the instance's.
 */
export class CounterStore {
  /** Per counter, the total this instance's caller had when it loaded or last saved (claimed before writing). */
  private readonly saved = new Map<string, number>();

  constructor(private readonly sql: SqlEngine) {}

  /** The stored totals; what a later saveAll adds to is counted from these. */
  async load(): Promise<Map<string, number>> {
    const rows = await this.sql.all<{ name: string; value: number }>(LOAD);
    const counters = new Map(rows.map((r) => [r.name, Number(r.value)]));
    for (const [name, value] of counters) this.saved.set(name, value);
    return counters;
  }

  /**
   * Stores the caller's running totals by adding what each grew since the last save, in one transaction. The
   * growth is claimed before the first await (overlapping calls never add it twice) and handed back if the write
   * fails, so the next save writes it.
   */
  async saveAll(counters: ReadonlyMap<string, number>): Promise<void> {
    const params: SqlValue[] = [];
    const claimed: [string, number][] = [];
    for (const [name, value] of counters) {
      const delta = value - (this.saved.get(name) ?? 0);
      if (delta === 0) continue;
      this.saved.set(name, value);
      claimed.push([name, delta]);
      params.push(name, delta);
    }
    if (claimed.length === 0) return;
    try {
      await this.sql.transaction((tx) => ADD.run(tx, params));
    } catch (err) {
      for (const [name, delta] of claimed) this.saved.set(name, (this.saved.get(name) ?? 0) - delta);
      throw err;
    }
  }
}
