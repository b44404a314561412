import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";

// An operator who follows docs/migrate-to-postgres.md sets HALLWATCH_DATABASE_URL. A URL that is not PostgreSQL's,
// or a database that cannot be reached, stops `npm start` with the reason: it never quietly falls back to a SQLite
// file, and never prints the password. (test/app/server-on-postgres.test.ts runs it on a real PostgreSQL.)
const dir = mkdtempSync(join(tmpdir(), "hallwatch-dburl-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function start(databaseUrl: string) {
  return spawnSync("npx", ["tsx", "src/main.ts"], {
    env: {
      ...process.env,
      HALLWATCH_DATA_DIR: join(dir, "data"),
      HALLWATCH_DATABASE_URL: databaseUrl,
      HALLWATCH_LOG_LEVEL: "info",
    },
    encoding: "utf8",
    timeout: 60_000,
  });
}

it("refuses a database URL that is not PostgreSQL's, naming the setting", () => {
  const result = start("mysql://hallwatch@db/hallwatch");
  expect(result.status).toBe(2);
  expect(result.stderr).toContain("databaseUrl");
  expect(result.stderr).toContain("postgres://");
  expect(result.stderr).not.toContain("mysql://");
}, 90_000);

it("stops with the reason when the database cannot be reached, without touching SQLite or printing the password", () => {
  const result = start("postgres://hallwatch:s3cret-pw@127.0.0.1:1/hallwatch");
  expect(result.status).toBe(1);
  expect(result.stdout + result.stderr).toMatch(/cannot reach the database: .*ECONNREFUSED 127\.0\.0\.1:1/);
  expect(result.stdout + result.stderr).not.toContain("s3cret-pw");
  expect(existsSync(join(dir, "data", "hallwatch.db"))).toBe(false);
}, 90_000);
