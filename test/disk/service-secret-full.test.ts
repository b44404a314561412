import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ensureServiceSecret } from "../../src/app/service-identity.js";
import { CredentialStore } from "../../src/store/credentials.js";
import { openDatabase } from "../../src/store/database.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";
import { mountSmallDisk } from "./tmpfs.js";

const disk = mountSmallDisk(1);

describe.runIf(disk !== null)("the broker's service secret on a full disk", () => {
  const dbDir = mkdtempSync(join(tmpdir(), "hallwatch-secret-"));
  afterAll(() => {
    disk?.unmount();
    rmSync(dbDir, { recursive: true, force: true });
  });

  it("defect 20: a secret file the disk refuses is never left truncated; the run goes on with the secret in memory", async () => {
    const db = openDatabase(join(dbDir, "hallwatch.db"));
    const credentials = new CredentialStore(new SqliteEngine(db));
    disk!.fill();
    const unsaved: unknown[] = [];
    const secret = await ensureServiceSecret(disk!.dir, "_aggregator", credentials, (err) =>
      unsaved.push(err),
    );
    expect(secret.length).toBeGreaterThan(20);
    expect(unsaved).toHaveLength(1);
    expect(existsSync(join(disk!.dir, "service-secret"))).toBe(false);
    expect(await credentials.findPrincipal("_aggregator")).toMatchObject({ type: "service" });

    disk!.free();
    const next = await ensureServiceSecret(disk!.dir, "_aggregator", credentials);
    expect(readFileSync(join(disk!.dir, "service-secret"), "utf8").trim()).toBe(next);
    // Unchanged at the next start: no write to the store.
    expect(await ensureServiceSecret(disk!.dir, "_aggregator", credentials)).toBe(next);
    db.close();
  });
});
