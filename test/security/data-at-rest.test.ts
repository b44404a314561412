import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, Browser, startHallwatch } from "../helpers/hallwatch.js";
import { startHttpReceivers, WEBHOOK_SECRET } from "../notify/receivers.js";

const mode = (path: string) => statSync(path).mode & 0o777;
const DB_FILES = ["hallwatch.db", "hallwatch.db-wal", "hallwatch.db-shm"];

describe("defect 17: the database is owner-only and channel secrets are encrypted at rest", () => {
  const root = mkdtempSync(join(tmpdir(), "hallwatch-rest-"));
  const dataDir = join(root, "fresh", "data");
  let receivers: Awaited<ReturnType<typeof startHttpReceivers>>;
  beforeAll(async () => {
    receivers = await startHttpReceivers();
  });
  afterAll(async () => {
    await receivers.close();
    rmSync(root, { recursive: true, force: true });
  });

  const onDisk = () =>
    Buffer.concat(
      DB_FILES.filter((f) => existsSync(join(dataDir, f))).map((f) => readFileSync(join(dataDir, f))),
    );

  it("defect 17: a fresh data directory is 0700 and the database, its -wal and -shm are 0600", async () => {
    const hw = await startHallwatch({}, { dataDir, keep: true });
    try {
      const admin = new Browser(hw.url);
      expect((await admin.signIn("admin", ADMIN_PASSWORD)).status).toBe(200);
      // A write, so the WAL has content.
      expect((await admin.json("POST", "/api/halls", { id: "north", name: "North" })).status).toBe(200);
      expect(mode(dataDir)).toBe(0o700);
      for (const file of DB_FILES) expect([file, mode(join(dataDir, file))]).toEqual([file, 0o600]);
      expect(mode(join(dataDir, "secret.key"))).toBe(0o600);
    } finally {
      await hw.stop();
    }
  });

  it("defect 17: a webhook secret created over the API is not in the SQLite files, and delivery still signs", async () => {
    const hw = await startHallwatch({}, { dataDir, keep: true });
    let channelId = "";
    try {
      const admin = new Browser(hw.url);
      await admin.signIn("admin", ADMIN_PASSWORD);
      const created = await admin.json("POST", "/api/notify/channels", {
        name: "hq webhook",
        config: { type: "webhook", url: `${receivers.base}/webhook`, secret: WEBHOOK_SECRET },
      });
      expect(created.status).toBe(200);
      channelId = created.body.id;
      expect(onDisk().includes(WEBHOOK_SECRET)).toBe(false);
      const sent = await admin.json("POST", `/api/notify/channels/${channelId}/test`);
      expect(sent.status).toBe(200);
      expect(receivers.at("/webhook")).toHaveLength(1); // the receiver checked the HMAC signature
    } finally {
      await hw.stop();
    }
    for (const file of DB_FILES.filter((f) => existsSync(join(dataDir, f))))
      expect(readFileSync(join(dataDir, file)).includes(WEBHOOK_SECRET)).toBe(false);
  });

  it("defect 17: plain secrets left by an older version are encrypted at start, and still deliver", async () => {
    const db = new BetterSqlite3(join(dataDir, "hallwatch.db"));
    const plainSecret = "older-version-secret-0001";
    db.prepare(
      "INSERT INTO notify_channels (id, name, language, enabled, config_json) VALUES (?, ?, 'en', 1, ?)",
    ).run(
      "old-plain",
      "old",
      JSON.stringify({ type: "webhook", url: `${receivers.base}/webhook`, secret: plainSecret }),
    );
    db.close();
    const hw = await startHallwatch({}, { dataDir, keep: true });
    try {
      expect(onDisk().includes(plainSecret)).toBe(false);
      const admin = new Browser(hw.url);
      await admin.signIn("admin", ADMIN_PASSWORD);
      const listed = await admin.json("GET", "/api/notify/channels");
      expect(listed.body.items.map((c: { id: string }) => c.id)).toContain("old-plain");
    } finally {
      await hw.stop();
    }
  });

  it("defect 17: a wrong or missing key stops the start with a clear error, and changes nothing", async () => {
    const before = readFileSync(join(dataDir, "secret.key"));
    await expect(
      startHallwatch({ secretKey: Buffer.alloc(32, 7).toString("base64") }, { dataDir, keep: true }),
    ).rejects.toThrow(/secret key.*(wrong|does not open)/i);
    unlinkSync(join(dataDir, "secret.key"));
    await expect(startHallwatch({}, { dataDir, keep: true })).rejects.toThrow(/secret\.key.*missing/i);
    expect(existsSync(join(dataDir, "secret.key"))).toBe(false);
    // Put back, it starts again.
    const { writeFileSync } = await import("node:fs");
    writeFileSync(join(dataDir, "secret.key"), before, { mode: 0o600 });
    const hw = await startHallwatch({}, { dataDir, keep: true });
    await hw.stop();
  });

  it("a data directory whose only sealed secret is the VAPID key refuses to start without its key file", async () => {
    const vapidDir = join(root, "vapid-only", "data");
    const first = await startHallwatch({}, { dataDir: vapidDir, keep: true });
    await first.stop();
    const db = new BetterSqlite3(join(vapidDir, "hallwatch.db"));
    const sealed = db.prepare("SELECT private_key FROM vapid_keys").get() as { private_key: string };
    const channels = db.prepare("SELECT COUNT(*) AS n FROM notify_channels").get() as { n: number };
    db.close();
    expect(sealed.private_key).toMatch(/^enc:/);
    expect(channels.n).toBe(0);
    unlinkSync(join(vapidDir, "secret.key"));
    await expect(startHallwatch({}, { dataDir: vapidDir, keep: true })).rejects.toThrow(
      /secret\.key.*missing/i,
    );
    expect(existsSync(join(vapidDir, "secret.key"))).toBe(false);
  });
});
