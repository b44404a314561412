import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { migrate, openDatabase } from "../../src/store/database.js";
import { MIGRATIONS } from "../../src/store/migrations.js";

describe("migrations", () => {
  const dir = mkdtempSync(join(tmpdir(), "hallwatch-migrations-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("numbers migrations 1, 2, 3 … without gaps", () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it("brings a database of the previous release (notify columns added at start-up) to the current schema", () => {
    const file = join(dir, "old.db");
    const old = new Database(file);
    old.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_ms INTEGER NOT NULL)");
    for (const m of MIGRATIONS.filter((m) => m.version <= 8)) {
      old.exec(m.sql);
      old.prepare("INSERT INTO schema_migrations VALUES (?, 0)").run(m.version);
    }
    // What the previous release did in its constructors.
    old.exec("CREATE TABLE notify_done (dedupe_key TEXT PRIMARY KEY, done_ms INTEGER NOT NULL)");
    old.exec("ALTER TABLE notify_deliveries ADD COLUMN http_status INTEGER");
    old.prepare("INSERT INTO notify_done VALUES ('k', 1)").run();
    old.close();

    const db = openDatabase(file);
    const columns = (db.prepare("PRAGMA table_info(notify_deliveries)").all() as { name: string }[]).map(
      (c) => c.name,
    );
    expect(columns).toEqual(expect.arrayContaining(["http_status", "error_code"]));
    expect(db.prepare("SELECT count(*) AS n FROM notify_done").get()).toEqual({ n: 1 });
    expect((db.prepare("SELECT max(version) AS v FROM schema_migrations").get() as { v: number }).v).toBe(
      MIGRATIONS.length,
    );
    migrate(db); // idempotent
    db.close();
  });

  it("creates the whole schema on a new database", () => {
    const db = openDatabase(join(dir, "new.db"));
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
    ).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(["notify_done", "inspection_records", "fire_assets"]));
    db.close();
  });
});
