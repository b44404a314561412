import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";

// An operator who follows docs/migrate-to-postgres.md sets HALLWATCH_DATABASE_URL. Until every store runs on
// PostgreSQL, `npm start` must say so and stop, never quietly keep using a SQLite file beside a PostgreSQL database.
const dir = mkdtempSync(join(tmpdir(), "hallwatch-dburl-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function start(databaseUrl: string) {
  return spawnSync("npx", ["tsx", "src/main.ts"], {
    env: { ...process.env, HALLWATCH_DATA_DIR: join(dir, "data"), HALLWATCH_DATABASE_URL: databaseUrl },
    encoding: "utf8",
    timeout: 60_000,
  });
}

it("refuses a database URL that is not PostgreSQL's, naming the setting", () => {
  const result = start("mysql://hallwatch@db/hallwatch");
  expect(result.status).toBe(2);
  expect(result.stderr).toContain("databaseUrl");
  expect(result.stderr).toContain("postgres://");
});

it("refuses to run the server on PostgreSQL until every store does, without touching SQLite or the password", () => {
  const result = start("postgres://hallwatch:s3cret-pw@127.0.0.1:1/hallwatch");
  expect(result.status).toBe(2);
  expect(result.stderr).toMatch(/not yet/);
  expect(result.stderr).toContain("docs/scale-out.md");
  expect(result.stderr).not.toContain("s3cret-pw");
  expect(existsSync(join(dir, "data", "hallwatch.db"))).toBe(false);
});
