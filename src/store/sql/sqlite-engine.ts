import type BetterSqlite3 from "better-sqlite3";
import type { SqlEngine, SqlExecutor, SqlRunResult, SqlValue } from "./engine.js";

type Db = BetterSqlite3.Database;

const MAX_CACHED_STATEMENTS = 1_000;
/** The longest wait between two tries for the write lock. */
const MAX_LOCK_RETRY_MS = 20;

/** The transaction lock of one connection, shared by every engine made on it (a store made with `onSqlite(db)`). */
interface ConnectionLock {
  tail: Promise<void>;
  held: boolean;
}
const LOCKS = new WeakMap<Db, ConnectionLock>();

function lockOf(db: Db): ConnectionLock {
  let lock = LOCKS.get(db);
  if (!lock) {
    lock = { tail: Promise.resolve(), held: false };
    LOCKS.set(db, lock);
  }
  return lock;
}

/**
 * The SQL port over the embedded SQLite connection (better-sqlite3, synchronous underneath). Statements are
 * prepared once and cached. An open transaction holds a lock: statements from outside it wait until it ends, so
 * an `await` inside `fn` cannot let another caller's write slip into it. Stores not yet on the port still write
 * on the same connection synchronously; such a write made while a port transaction is open joins that transaction
 * (and is rolled back with it), which is why transaction bodies must never await anything but their own statements.
 * The lock belongs to the connection, so two engines made on one connection never interleave their transactions.
 */
export class SqliteEngine implements SqlEngine {
  readonly dialect = "sqlite" as const;
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  private readonly lock: ConnectionLock;

  /** The connection's busy timeout, kept for its write-lock waits (see beginImmediate). */
  private readonly busyTimeoutMs: number;

  constructor(readonly db: Db) {
    this.lock = lockOf(db);
    this.busyTimeoutMs = db.pragma("busy_timeout", { simple: true }) as number;
  }

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
    const previous = this.lock.tail;
    let release = () => {};
    this.lock.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    this.lock.held = true;
    const tx: SqlExecutor = {
      dialect: "sqlite",
      all: async <R>(sql: string, params: readonly SqlValue[] = []) => this.allNow<R>(sql, params),
      get: async <R>(sql: string, params: readonly SqlValue[] = []) => this.getNow<R>(sql, params),
      run: async (sql: string, params: readonly SqlValue[] = []) => this.runNow(sql, params),
    };
    try {
      await this.beginImmediate();
      try {
        const result = await fn(tx);
        this.db.exec("COMMIT");
        return result;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw err;
      }
    } finally {
      this.lock.held = false;
      release();
    }
  }

  /**
   * Takes the write lock without blocking the event loop: the connection's busy timeout would have better-sqlite3
   * sleep inside BEGIN while another connection holds the lock (the WAL checkpoint thread's TRUNCATE holds it for
   * hundreds of ms under load), and every message and alert would wait behind it. So BEGIN is tried with no busy
   * timeout and, while busy, tried again after a short async wait, up to the connection's own busy timeout.
   */
  private async beginImmediate(): Promise<void> {
    const timeoutMs = this.busyTimeoutMs;
    const giveUpAt = performance.now() + timeoutMs;
    let waitMs = 1;
    for (;;) {
      this.db.pragma("busy_timeout = 0");
      try {
        this.db.exec("BEGIN IMMEDIATE");
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== "SQLITE_BUSY" || performance.now() >= giveUpAt) throw err;
      } finally {
        this.db.pragma(`busy_timeout = ${timeoutMs}`);
      }
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      waitMs = Math.min(waitMs * 2, MAX_LOCK_RETRY_MS);
    }
  }

  async close(): Promise<void> {
    await this.lock.tail;
    if (this.db.open) this.db.close();
  }

  private async outsideTransaction(): Promise<void> {
    while (this.lock.held) await this.lock.tail;
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
