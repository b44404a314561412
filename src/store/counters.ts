import type { Db } from "./database.js";

/** Monotonic counters that survive restarts (dead letters by reason, lost messages, ...). */
export class CounterStore {
  constructor(private readonly db: Db) {}

  load(): Map<string, number> {
    const rows = this.db.prepare("SELECT name, value FROM counters").all() as {
      name: string;
      value: number;
    }[];
    return new Map(rows.map((r) => [r.name, r.value]));
  }

  saveAll(counters: ReadonlyMap<string, number>): void {
    const stmt = this.db.prepare(
      "INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
    );
    this.db.transaction(() => {
      for (const [name, value] of counters) stmt.run(name, value);
    })();
  }
}
