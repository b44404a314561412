import { afterEach, describe, expect, it } from "vitest";
import { RateMeter, SharedClusterView } from "../../src/cluster/cluster-view.js";
import { LeaseStore } from "../../src/cluster/lease-store.js";
import { openDatabase } from "../../src/store/database.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";

const engines: SqliteEngine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
});

describe("the shared cluster view", () => {
  it("shows every node with its live state, halls owned and rate, and every lease, expired ones ownerless", async () => {
    const sql = new SqliteEngine(openDatabase(":memory:"));
    engines.push(sql);
    const leases = new LeaseStore(sql);
    const nowMs = await leases.nowMs();
    const LEASE = 15_000;
    await leases.heartbeat({ nodeId: "a", roles: ["ingest", "api"], startedMs: nowMs - 60_000 }, nowMs, {
      messagesPerSec: 120.5,
    });
    await leases.heartbeat({ nodeId: "b", roles: ["ingest"], startedMs: nowMs - 90_000 }, nowMs - 20_000);
    await leases.acquire("h1", "a", nowMs - 5_000, LEASE);
    await leases.acquire("h2", "a", nowMs - 1_000, LEASE);
    await leases.acquire("h3", "b", nowMs - 40_000, LEASE); // b died: its lease expired
    const view = new SharedClusterView({ nodeId: "a", leases, leaseMs: LEASE });
    const snapshot = await view.snapshot();
    expect(snapshot.mode).toBe("shared");
    expect(snapshot.nodes).toEqual([
      expect.objectContaining({ nodeId: "a", live: true, self: true, halls: 2, messagesPerSec: 120.5 }),
      expect.objectContaining({ nodeId: "b", live: false, self: false, halls: 0, messagesPerSec: null }),
    ]);
    expect(snapshot.halls.map((h) => [h.hallId, h.ownerNode, h.epoch, h.expired])).toEqual([
      ["h1", "a", 1, false],
      ["h2", "a", 1, false],
      ["h3", null, 1, true],
    ]);
    expect(snapshot.halls[0]?.leaseAgeMs).toBeGreaterThanOrEqual(5_000);
  });
});

describe("the rate meter", () => {
  it("gives messages per second over the last interval, none before two samples", () => {
    let count = 0;
    let atMs = 0;
    const meter = new RateMeter(
      () => count,
      () => atMs,
    );
    expect(meter.sample()).toBeNull();
    count = 500;
    atMs = 2_000;
    expect(meter.sample()).toBe(250);
    count = 500;
    atMs = 7_000;
    expect(meter.sample()).toBe(0);
    expect(meter.current).toBe(0);
  });
});
