import type { SqlEngine, SqlExecutor } from "../../src/store/sql/engine.js";

/**
 * An engine whose writes fail like a full disk while `full` is set (reads still work), on either engine: with
 * SQLite's error code on SQLite and PostgreSQL's SQLSTATE (53100 disk_full) on PostgreSQL.
 */
export function fillable(engine: SqlEngine): SqlEngine & { full: boolean } {
  const code = engine.dialect === "postgres" ? "53100" : "SQLITE_FULL";
  const diskFull = () => Object.assign(new Error("database or disk is full"), { code });
  const wrapped = {
    full: false,
    dialect: engine.dialect,
    all: engine.all.bind(engine),
    get: engine.get.bind(engine),
    run: async (sql: string, params?: Parameters<SqlExecutor["run"]>[1]) => {
      if (wrapped.full) throw diskFull();
      return engine.run(sql, params);
    },
    transaction: async <T>(fn: (tx: SqlExecutor) => Promise<T>) => {
      if (wrapped.full) throw diskFull();
      return engine.transaction(fn);
    },
    close: () => engine.close(),
  };
  return wrapped as SqlEngine & { full: boolean };
}
