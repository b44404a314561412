/**
 * The one SQL port every store is written against, so that a store runs unchanged on the embedded SQLite file and on
 * a shared PostgreSQL (docs/scale-out.md). Statements use `?` placeholders and the SQL both engines accept
 * (`ON CONFLICT … DO UPDATE`, `RETURNING`, `IS DISTINCT FROM`, `LIMIT … OFFSET`); where they differ, a store branches
 * on `dialect`. Integers (epoch milliseconds included) come back as JavaScript numbers on both engines and BLOB/BYTEA
 * as Buffers.
 */
export type SqlDialect = "sqlite" | "postgres";

export type SqlValue = string | number | bigint | boolean | null | Uint8Array;

export interface SqlRunResult {
  /** Rows inserted, updated or deleted. */
  changes: number;
}

export interface SqlExecutor {
  readonly dialect: SqlDialect;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  run(sql: string, params?: readonly SqlValue[]): Promise<SqlRunResult>;
}

export interface SqlEngine extends SqlExecutor {
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. On SQLite transactions
   * are serialised (one connection); `fn` should await only its own statements, never the network.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * `?` placeholders to PostgreSQL's `$1, $2, …`, leaving question marks inside quoted strings, quoted identifiers
 * and comments alone.
 */
export function numberPlaceholders(sql: string): string {
  let out = "";
  let n = 0;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    if (ch === "'" || ch === '"') {
      const end = closingQuote(sql, i, ch);
      out += sql.slice(i, end);
      i = end;
    } else if (ch === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (ch === "?") {
      n += 1;
      out += `$${n}`;
      i += 1;
    } else {
      out += ch;
      i += 1;
    }
  }
  return out;
}

function closingQuote(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i += 1;
  }
  return sql.length;
}
