import type BetterSqlite3 from "better-sqlite3";
import type { SqlEngine, SqlExecutor, SqlRunResult, SqlValue } from "./engine.js";

type Db = BetterSqlite3.Database;

const MAX_CACHED_STATEMENTS = 1_000;

/**
 * The SQL port over the embedded SQLite connection (better-sqlite3, synchronous underneath). Statements are
 * prepared once and cached. An open transaction holds a lock: statements from outside it wait until it ends, so
 * an `await` inside `fn` cannot let another caller's write slip into it. Stores not yet on the port still write
 * on the same connection synchronously; such a write made while a port transaction is open joins that transaction
 * (and is rolled back with it), which is why transaction bodies must never await anything but their own statements.
 */
export class SqliteEngine implements SqlEngine {
  readonly dialect = "sqlite" as const;
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  private lock: Promise<void> = Promise.resolve();
  private locked = false;

  constructor(readonly db: Db) {}

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    await this.outsideTransaction();
    return this.allNow<T>(sql, params);
  }

  async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    await this.outsideTransaction();
    return this.getNow<T>(sql, params);
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<SqlRunResult> {
    await this.outsideTransaction();
    return this.runNow(sql, params);
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const previous = this.lock;
    let release = () => {};
    this.lock = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    this.locked = true;
    const tx: SqlExecutor = {
      dialect: "sqlite",
      all: async <R>(sql: string, params: readonly SqlValue[] = []) => this.allNow<R>(sql, params),
      get: async <R>(sql: string, params: readonly SqlValue[] = []) => this.getNow<R>(sql, params),
      run: async (sql: string, params: readonly SqlValue[] = []) => this.runNow(sql, params),
    };
    try {
      this.db.exec("BEGIN IMMEDIATE");
      try {
        const result = await fn(tx);
        this.db.exec("COMMIT");
        return result;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw err;
      }
    } finally {
      this.locked = false;
      release();
    }
  }

  async close(): Promise<void> {
    await this.lock;
    if (this.db.open) this.db.close();
  }

  private async outsideTransaction(): Promise<void> {
    while (this.locked) await this.lock;
  }

  private statement(sql: string): BetterSqlite3.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      // Statements built per call (an IN list per length) would otherwise grow the cache without end.
      if (this.statements.size >= MAX_CACHED_STATEMENTS) this.statements.clear();
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  private allNow<T>(sql: string, params: readonly SqlValue[]): T[] {
    return this.statement(sql).all(...toSqlite(params)) as T[];
  }

  private getNow<T>(sql: string, params: readonly SqlValue[]): T | undefined {
    return this.statement(sql).get(...toSqlite(params)) as T | undefined;
  }

  private runNow(sql: string, params: readonly SqlValue[]): SqlRunResult {
    const stmt = this.statement(sql);
    if (!stmt.reader) return { changes: stmt.run(...toSqlite(params)).changes };
    // A write with RETURNING is a reader to better-sqlite3; run it to the end and count what it returned.
    return { changes: stmt.all(...toSqlite(params)).length };
  }
}

function toSqlite(params: readonly SqlValue[]): unknown[] {
  return params.map((p) => (typeof p === "boolean" ? (p ? 1 : 0) : p));
}
