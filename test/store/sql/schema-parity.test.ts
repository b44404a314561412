import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase } from "../../../src/store/database.js";
import { MIGRATIONS } from "../../../src/store/migrations.js";
import { PostgresEngine } from "../../../src/store/sql/postgres-engine.js";
import { migratePostgres, PG_MIGRATIONS } from "../../../src/store/sql/postgres-migrations.js";
import { requireInCi } from "../../helpers/external-servers.js";
import { PG_BIN, type PostgresServer, startPostgres } from "../../helpers/postgres.js";

// The two engines' migrations are versioned side by side: the same version must leave the same tables and columns,
// or a store would work on one engine and fail on the other.
const run = requireInCi(PG_BIN, "PostgreSQL");
let server: PostgresServer | null = null;
beforeAll(async () => {
  if (run) server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

const TYPE_OF_SQLITE: Record<string, string> = {
  INTEGER: "bigint",
  TEXT: "text",
  REAL: "double precision",
  BLOB: "bytea",
};

it("both engines end at the same schema version", () => {
  expect(PG_MIGRATIONS.at(-1)?.version).toBe(MIGRATIONS.at(-1)?.version);
});

it.skipIf(!run)(
  "every SQLite table and column exists in PostgreSQL with the matching type and nullability",
  async () => {
    const sqlite = openDatabase(":memory:");
    const tables = (
      sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
        name: string;
      }[]
    ).map((t) => t.name);
    const fromSqlite: string[] = [];
    for (const table of tables) {
      const columns = sqlite.prepare(`PRAGMA table_info(${table})`).all() as {
        name: string;
        type: string;
        notnull: number;
        pk: number;
      }[];
      for (const c of columns) {
        const notNull =
          c.notnull === 1 || (c.pk > 0 && c.type !== "INTEGER") || (c.pk === 1 && c.type === "INTEGER");
        fromSqlite.push(
          `${table}.${c.name} ${TYPE_OF_SQLITE[c.type] ?? c.type} ${notNull ? "NOT NULL" : "NULL"}`,
        );
      }
    }
    sqlite.close();
    if (!server) throw new Error("no server");
    const engine = new PostgresEngine({ connectionString: await server.createDatabase() });
    await migratePostgres(engine);
    const rows = await engine.all<{
      table_name: string;
      column_name: string;
      data_type: string;
      is_nullable: string;
    }>(
      `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
      WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
    );
    await engine.close();
    const fromPostgres = rows.map(
      (r) =>
        `${r.table_name}.${r.column_name} ${r.data_type} ${r.is_nullable === "NO" ? "NOT NULL" : "NULL"}`,
    );
    expect([...fromPostgres].sort()).toEqual([...fromSqlite].sort());
  },
);
