import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Aggregator } from "../../src/aggregator/aggregator.js";
import type { BirthDevice } from "../../src/contract/index.js";
import { DEFAULT_SILENCE_POLICY } from "../../src/core/presence/silence.js";
import { silentLogger } from "../../src/logging.js";
import { PresenceStore } from "../../src/store/presence-store.js";
import { PostgresEngine } from "../../src/store/sql/postgres-engine.js";
import { migratePostgres } from "../../src/store/sql/postgres-migrations.js";
import { requireInCi } from "../helpers/external-servers.js";
import { type PlainBroker, startPlainBroker } from "../helpers/plain-broker.js";
import { PG_BIN, type PostgresServer, startPostgres } from "../helpers/postgres.js";
import { kioskValues, RawAgent } from "../helpers/raw-agent.js";
import { waitFor } from "../helpers/wait.js";

const HALL = "h1";
const kiosk: BirthDevice = { id: "k1", kind: "kiosk", model: "K100", zone: "lobby", reportIntervalSec: 1 };

/** The aggregator with nothing but a PostgreSQL engine: presence, agents and history all live there. */
describe.skipIf(!requireInCi(PG_BIN, "PostgreSQL"))("aggregator on PostgreSQL", () => {
  let server: PostgresServer;
  let broker: PlainBroker;
  let sql: PostgresEngine;

  beforeAll(async () => {
    server = await startPostgres();
    sql = new PostgresEngine({ connectionString: await server.createDatabase() });
    await migratePostgres(sql);
    await sql.run("INSERT INTO halls (id, name, created_ms) VALUES (?, ?, ?)", [HALL, "Hall 1", 1]);
    await sql.run("INSERT INTO agents (id, hall_id, secret_hash, created_ms) VALUES (?, ?, 'x', 1)", [
      "a1",
      HALL,
    ]);
    broker = await startPlainBroker();
  }, 60_000);

  afterAll(async () => {
    await broker?.close();
    await sql?.close();
    await server?.stop();
  });

  const aggregator = () =>
    new Aggregator({
      brokerUrl: broker.url,
      username: "_aggregator",
      password: "unused",
      sql,
      logger: silentLogger(),
      silencePolicy: DEFAULT_SILENCE_POLICY,
      flushIntervalMs: 100,
    });

  it("stores presence and connectivity history there, and restores them at the next start", async () => {
    const first = aggregator();
    await first.start();
    const agent = new RawAgent(broker.url, HALL, "a1", 1, [kiosk]);
    try {
      await agent.connect();
      await agent.online();
      await agent.birth();
      await agent.telemetry("k1", { ...kioskValues, paperPct: 64 });
      await waitFor(
        () =>
          (first.presence.device(HALL, "k1")?.values as { paperPct?: number } | null)?.paperPct === 64 ||
          null,
        "k1 values",
      );
      await first.flush();
      const history = await first.history.connectivityHistory(HALL, "k1", 0, Date.now() + 1000);
      expect(history.map((i) => [i.connectivity, i.endMs])).toEqual([["online", null]]);
    } finally {
      await agent.stop();
      await first.stop();
    }
    const stored = await new PresenceStore(sql).loadDevices();
    expect(stored).toEqual([expect.objectContaining({ deviceId: "k1", agentId: "a1", kind: "kiosk" })]);
    expect((stored[0]?.values as { paperPct?: number } | undefined)?.paperPct).toBe(64);

    const second = aggregator();
    await second.start();
    try {
      expect(second.presence.device(HALL, "k1")).toMatchObject({ agentId: "a1", zone: "lobby" });
      expect(second.presence.agent("a1")).toMatchObject({ hallId: HALL, session: 1 });
    } finally {
      await second.stop();
    }
  }, 60_000);
});
