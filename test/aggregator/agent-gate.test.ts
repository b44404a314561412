import { afterEach, describe, expect, it } from "vitest";
import { AgentDirectory } from "../../src/aggregator/agent-directory.js";
import { AgentGate } from "../../src/aggregator/agent-gate.js";
import { type Db, openDatabase } from "../../src/store/database.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";
import { waitFor } from "../helpers/wait.js";

const dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) if (db.open) db.close();
});

async function setup(options: { maxParked?: number; retryMs?: number } = {}) {
  const db = openDatabase(":memory:");
  dbs.push(db);
  db.prepare(
    "INSERT INTO halls (id, name, created_ms) VALUES ('h1', 'Hall 1', 1), ('h2', 'Hall 2', 1)",
  ).run();
  const provision = (id: string, hallId = "h1") =>
    db
      .prepare("INSERT INTO agents (id, hall_id, secret_hash, created_ms) VALUES (?, ?, 'x', 1)")
      .run(id, hallId);
  provision("a1");
  const directory = new AgentDirectory(new SqliteEngine(db), () => undefined);
  await directory.load();
  const released: [string | null, string][] = [];
  const lookupErrors: string[] = [];
  let nowMs = 1_000_000;
  const gate = new AgentGate<string>(
    directory,
    (hallId, message) => released.push([hallId, message]),
    (_err, agentId) => lookupErrors.push(agentId),
    () => nowMs,
    options,
  );
  const tick = (ms: number) => {
    nowMs += ms;
  };
  return { db, directory, gate, released, lookupErrors, provision, tick, now: () => nowMs };
}

describe("AgentGate over the AgentDirectory", () => {
  it("answers at once for an agent loaded at start", async () => {
    const { gate, now } = await setup();
    expect(gate.check("a1", now())).toBe("h1");
  });

  it("parks the messages of an agent provisioned since the load, and releases them in order with its hall", async () => {
    const { gate, released, provision, now } = await setup();
    provision("a2", "h2");
    expect(gate.check("a2", now())).toBeUndefined();
    expect(gate.park("a2", "birth")).toBe(true);
    // Still undefined while one of its messages waits: a later one must not overtake it.
    expect(gate.check("a2", now())).toBeUndefined();
    expect(gate.park("a2", "telemetry 1")).toBe(true);
    expect(gate.parkedMessages).toBe(2);
    await gate.settled();
    expect(released).toEqual([
      ["h2", "birth"],
      ["h2", "telemetry 1"],
    ]);
    expect(gate.parkedMessages).toBe(0);
    expect(gate.check("a2", now())).toBe("h2");
  });

  it("releases an unknown agent's messages as refused, and refuses its next ones at once for 10 s", async () => {
    const { gate, released, tick, now } = await setup();
    expect(gate.check("ghost", now())).toBeUndefined();
    gate.park("ghost", "status");
    await gate.settled();
    expect(released).toEqual([[null, "status"]]);
    expect(gate.check("ghost", now())).toBeNull();
    tick(10_000);
    expect(gate.check("ghost", now())).toBeUndefined();
  });

  it("refuses a revoked agent once the directory is reloaded, and never takes it back from a lookup", async () => {
    const { db, directory, gate, released, now } = await setup();
    db.prepare("UPDATE agents SET revoked_ms = 5 WHERE id = 'a1'").run();
    await directory.load();
    expect(gate.check("a1", now())).toBeUndefined();
    gate.park("a1", "telemetry");
    await gate.settled();
    expect(released).toEqual([[null, "telemetry"]]);
    expect(gate.check("a1", now())).toBeNull();
    expect(await directory.hallOf("a1", now())).toBeNull();
  });

  it("keeps messages parked while lookups fail, and releases them in order once one answers", async () => {
    const { db, gate, released, lookupErrors, provision, now } = await setup({ retryMs: 10 });
    provision("a3");
    db.exec("ALTER TABLE agents RENAME TO agents_away");
    gate.park("a3", "first");
    await gate.settled();
    gate.park("a3", "second");
    expect(lookupErrors).toEqual(["a3"]);
    expect(released).toEqual([]);
    expect(gate.retrying).toBe(true);
    db.exec("ALTER TABLE agents_away RENAME TO agents");
    await waitFor(() => released.length === 2 || null, "released after the retry");
    expect(released).toEqual([
      ["h1", "first"],
      ["h1", "second"],
    ]);
    expect(gate.check("a3", now())).toBe("h1");
    expect(gate.retrying).toBe(false);
    gate.stop();
  });

  it("refuses to park beyond its bound, so a flood cannot fill memory", async () => {
    const { gate } = await setup({ maxParked: 2 });
    expect(gate.park("x1", "1")).toBe(true);
    expect(gate.park("x2", "2")).toBe(true);
    expect(gate.park("x1", "3")).toBe(false);
    await gate.settled();
    expect(gate.park("x1", "4")).toBe(true);
    await gate.settled();
  });
});
