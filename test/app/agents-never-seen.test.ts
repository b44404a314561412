import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmbeddedBroker } from "../../src/app/embedded-broker.js";
import { HallwatchServer, type RunningAddresses } from "../../src/app/server.js";
import { parseConfig } from "../../src/config/config.js";
import { silentLogger } from "../../src/logging.js";
import { CredentialStore } from "../../src/store/credentials.js";
import { openDatabase } from "../../src/store/database.js";
import { HallStore } from "../../src/store/halls.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";
import { RawAgent } from "../helpers/raw-agent.js";
import { waitFor } from "../helpers/wait.js";

const HOUR_MS = 3_600_000;

describe("agents provisioned but never seen", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "hallwatch-never-seen-"));
  let server: HallwatchServer;
  let at: RunningAddresses;
  let agent: RawAgent | null = null;

  beforeAll(async () => {
    const config = parseConfig({
      dataDir,
      http: { port: 0 },
      mqtt: { host: "127.0.0.1", port: 0 },
      demo: { enabled: false },
      auth: { adminPassword: "never-seen-admin-pw" },
    });
    server = new HallwatchServer(config, silentLogger(), { createBroker: createEmbeddedBroker });
    at = await server.start();
  });

  afterAll(async () => {
    await agent?.stop();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("defect 26: health counts agents provisioned an hour ago that never connected, without naming them", async () => {
    const db = openDatabase(join(dataDir, "hallwatch.db"));
    const credentials = new CredentialStore(new SqliteEngine(db));
    await HallStore.onSqlite(db).upsert({ id: "north-1", name: "North" });
    const longAgo = Date.now() - HOUR_MS;
    await credentials.provisionAgent("north-1", "north-1-ghost", undefined, longAgo);
    const present = await credentials.provisionAgent("north-1", "north-1-present", undefined, longAgo);
    await credentials.provisionAgent("north-1", "north-1-brand-new");
    db.close();

    agent = new RawAgent(at.mqttUrl, "north-1", "north-1-present", 1, [], {
      username: "north-1-present",
      password: present.secret,
    });
    await agent.connect();
    await agent.online();
    await agent.birth();

    const body = await waitFor(
      async () => {
        const response = await fetch(`${at.httpUrl}/api/health`);
        const health = (await response.json()) as Record<string, unknown>;
        return health.agentsNeverSeen === 1 ? health : null;
      },
      "one agent never seen",
      10_000,
    );
    expect(body.status).toBe("ok");
    expect(JSON.stringify(body)).not.toContain("ghost");
  }, 30_000);
});
