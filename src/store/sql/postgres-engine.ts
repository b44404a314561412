import pg from "pg";
import type { SqlEngine, SqlExecutor, SqlRunResult, SqlValue } from "./engine.js";
import { numberPlaceholders } from "./engine.js";

// int8 (counts, epoch milliseconds) and numeric (sums) as numbers: every value Hallwatch keeps fits in 2^53.
const INT8_OID = 20;
const NUMERIC_OID = 1700;
const MAX_CACHED_STATEMENTS = 1_000;
pg.types.setTypeParser(INT8_OID, (value) => Number(value));
pg.types.setTypeParser(NUMERIC_OID, (value) => Number(value));

export interface PostgresEngineOptions {
  connectionString: string;
  /** Connections in the pool; each node needs few (default 10). */
  maxConnections?: number;
  /** Name shown in pg_stat_activity (default "hallwatch"). */
  applicationName?: string;
  /** A statement running longer is cancelled by the server (default 30 s). */
  statementTimeoutMs?: number;
  onError?: (err: Error) => void;
}

/**
 * The SQL port over a PostgreSQL pool (`pg`). `?` placeholders are numbered for PostgreSQL once per statement text.
 * A transaction takes one pooled connection for its whole length.
 */
export class PostgresEngine implements SqlEngine {
  readonly dialect = "postgres" as const;
  readonly pool: pg.Pool;
  private readonly numbered = new Map<string, string>();
  private readonly onError: ((err: Error) => void) | undefined;

  constructor(options: PostgresEngineOptions) {
    this.onError = options.onError;
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 10,
      application_name: options.applicationName ?? "hallwatch",
      statement_timeout: options.statementTimeoutMs ?? 30_000,
    });
    // An idle connection that dies (server restart, network cut) must not crash the process; the next query
    // gets a new one, and fails with a clear error while the server is away.
    this.pool.on("error", (err) => this.onError?.(err));
  }

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return (await this.pool.query(this.text(sql), params as unknown[])).rows as T[];
  }

  async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<SqlRunResult> {
    const result = await this.pool.query(this.text(sql), params as unknown[]);
    return { changes: result.rowCount ?? 0 };
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    // A checked-out connection that dies (the server killed, the network cut) emits "error" on the client, which
    // the pool listens to only while the connection is idle: unheard, it would end the process.
    const onConnectionError = (err: Error) => {
      broken = true;
      this.onError?.(err);
    };
    client.on("error", onConnectionError);
    const tx: SqlExecutor = {
      dialect: "postgres",
      all: async <R>(sql: string, params: readonly SqlValue[] = []) =>
        (await client.query(this.text(sql), params as unknown[])).rows as R[],
      get: async <R>(sql: string, params: readonly SqlValue[] = []) =>
        (await client.query(this.text(sql), params as unknown[])).rows[0] as R | undefined,
      run: async (sql: string, params: readonly SqlValue[] = []) => ({
        changes: (await client.query(this.text(sql), params as unknown[])).rowCount ?? 0,
      }),
    };
    try {
      await client.query("BEGIN");
      const result = await fn(tx);
      await client.query("COMMIT");
      return result;
    } catch (err) {
      try {
        await client.query("ROLLBACK");
      } catch {
        broken = true; // the connection itself failed: do not hand it back to the pool
      }
      throw err;
    } finally {
      client.off("error", onConnectionError);
      client.release(broken);
    }
  }

  /** Runs a script of several statements (migrations), no parameters. */
  async exec(script: string): Promise<void> {
    await this.pool.query(script);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private text(sql: string): string {
    let text = this.numbered.get(sql);
    if (text === undefined) {
      if (this.numbered.size >= MAX_CACHED_STATEMENTS) this.numbered.clear();
      text = numberPlaceholders(sql);
      this.numbered.set(sql, text);
    }
    return text;
  }
}
