// The whole move of docs/migrate-to-postgres.md, as an operator makes it: Hallwatch runs on its SQLite file, an
// admin adds a webhook channel with a secret; Hallwatch stops; `db migrate-to-postgres` copies the database; the
// server then starts on PostgreSQL with the same data directory (its secret key file), signs the admin in with
// the same password, and still opens and signs with the channel's secret. Another key is refused.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretKeyError } from "../../src/security/secret-key.js";
import { requireInCi } from "../helpers/external-servers.js";
import { ADMIN_PASSWORD, Browser, startHallwatch } from "../helpers/hallwatch.js";
import { PG_BIN, type PostgresServer, startPostgres } from "../helpers/postgres.js";
import { startHttpReceivers, WEBHOOK_SECRET } from "../notify/receivers.js";

const run = requireInCi(PG_BIN, "PostgreSQL");
const exec = promisify(execFile);

describe.skipIf(!run)("moving a running installation from SQLite to PostgreSQL", () => {
  const root = mkdtempSync(join(tmpdir(), "hallwatch-move-"));
  const dataDir = join(root, "data");
  let database: PostgresServer;
  let receivers: Awaited<ReturnType<typeof startHttpReceivers>>;
  beforeAll(async () => {
    database = await startPostgres();
    receivers = await startHttpReceivers();
  }, 60_000);
  afterAll(async () => {
    await receivers?.close();
    await database?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it("keeps users, channels and their sealed secrets, with the same key", async () => {
    const before = await startHallwatch({}, { dataDir, keep: true });
    let channelId = "";
    try {
      const admin = new Browser(before.url);
      await admin.signIn("admin", ADMIN_PASSWORD);
      const created = await admin.json("POST", "/api/notify/channels", {
        name: "总部 webhook",
        config: { type: "webhook", url: `${receivers.base}/webhook`, secret: WEBHOOK_SECRET },
      });
      expect(created.status).toBe(200);
      channelId = created.body.id;
    } finally {
      await before.stop();
    }

    const target = await database.createDatabase("moved");
    await exec(process.execPath, [
      "--import",
      "tsx",
      "src/cli/hallwatch.ts",
      "--data-dir",
      dataDir,
      "db",
      "migrate-to-postgres",
      "--to",
      target,
    ]);

    const after = await startHallwatch({ databaseUrl: target }, { dataDir, keep: true });
    try {
      const admin = new Browser(after.url);
      await admin.signIn("admin", ADMIN_PASSWORD);
      const channels = await admin.json("GET", "/api/notify/channels");
      expect(channels.body.items.map((c: { id: string; name: string }) => [c.id, c.name])).toEqual([
        [channelId, "总部 webhook"],
      ]);
      const sent = await admin.json("POST", `/api/notify/channels/${channelId}/test`);
      expect(sent.status).toBe(200);
      expect(receivers.at("/webhook")).toHaveLength(1); // the receiver checked the HMAC made with the secret
    } finally {
      await after.stop();
    }

    const otherKey = Buffer.alloc(32, 3).toString("base64");
    await expect(
      startHallwatch({ databaseUrl: target, secretKey: otherKey }, { dataDir, keep: true }),
    ).rejects.toBeInstanceOf(SecretKeyError);
  }, 120_000);
});
