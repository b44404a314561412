import { expect, it } from "vitest";
import { LeaseLostError, LeaseStore, type NodeInfo } from "../../src/cluster/lease-store.js";
import type { SqlEngine } from "../../src/store/sql/engine.js";
import { PostgresEngine } from "../../src/store/sql/postgres-engine.js";
import { describeEachEngine } from "../helpers/engines.js";

const LEASE_MS = 15_000;
const T0 = 1_764_547_200_000;
const node = (nodeId: string, startedMs = T0): NodeInfo => ({ nodeId, roles: ["ingest", "api"], startedMs });

describeEachEngine("the lease store", (fresh, engineName) => {
  it("keeps each node's heartbeat and lists as live only nodes heard within the lease and not stopped", async () => {
    const store = new LeaseStore(await fresh());
    await store.heartbeat({ ...node("a"), address: "10.0.0.1:8080" }, T0, { msgPerSec: 12.5 });
    await store.heartbeat(node("b"), T0 + 1_000);
    await store.heartbeat(node("c"), T0 + 2_000);
    expect((await store.liveNodes(T0 + 2_000, LEASE_MS)).map((n) => n.nodeId)).toEqual(["a", "b", "c"]);
    // a's heartbeat is exactly one lease old: no longer live.
    expect((await store.liveNodes(T0 + LEASE_MS, LEASE_MS)).map((n) => n.nodeId)).toEqual(["b", "c"]);
    await store.markStopped("c", T0 + 3_000);
    expect((await store.liveNodes(T0 + 3_000, LEASE_MS)).map((n) => n.nodeId)).toEqual(["a", "b"]);
    const all = await store.nodes();
    expect(all.find((n) => n.nodeId === "a")).toEqual({
      nodeId: "a",
      roles: ["ingest", "api"],
      address: "10.0.0.1:8080",
      startedMs: T0,
      heartbeatMs: T0,
      stoppedMs: null,
      stats: { msgPerSec: 12.5 },
    });
    expect(all.find((n) => n.nodeId === "c")?.stoppedMs).toBe(T0 + 3_000);
    // A stopped node that starts again is live again, with its new start time.
    await store.heartbeat(node("c", T0 + 4_000), T0 + 4_000);
    const c = (await store.liveNodes(T0 + 4_000, LEASE_MS)).find((n) => n.nodeId === "c");
    expect(c).toMatchObject({ startedMs: T0 + 4_000, heartbeatMs: T0 + 4_000, stoppedMs: null, stats: null });
  });

  it("tells the time leases are measured in: the database's clock on PostgreSQL", async () => {
    const sql = await fresh();
    const before = Date.now();
    const nowMs = await new LeaseStore(sql).nowMs();
    // The test's server runs on this machine: its clock and ours agree to well within a second.
    expect(Math.abs(nowMs - before)).toBeLessThan(1_000);
    expect(Number.isInteger(nowMs)).toBe(true);
  });

  it("acquires a free hall at epoch 1, keeps the epoch while the owner stays, and refuses a live lease", async () => {
    const store = new LeaseStore(await fresh());
    expect(await store.acquire("hall-1", "a", T0, LEASE_MS)).toBe(1);
    expect(await store.acquire("hall-1", "b", T0 + 1_000, LEASE_MS)).toBeNull();
    // Already ours: same epoch, longer lease.
    expect(await store.acquire("hall-1", "a", T0 + 5_000, LEASE_MS)).toBe(1);
    expect(await store.acquire("hall-1", "b", T0 + LEASE_MS + 1_000, LEASE_MS)).toBeNull();
    const [lease] = await store.leases(T0 + 6_000);
    expect(lease).toEqual({
      hallId: "hall-1",
      ownerNode: "a",
      epoch: 1,
      acquiredMs: T0,
      expiresMs: T0 + 5_000 + LEASE_MS,
      ageMs: 6_000,
      expired: false,
    });
  });

  it("hands an expired lease to another node with epoch + 1, and back with epoch + 2", async () => {
    const store = new LeaseStore(await fresh());
    expect(await store.acquire("hall-1", "a", T0, LEASE_MS)).toBe(1);
    const expiry = T0 + LEASE_MS;
    expect(await store.acquire("hall-1", "b", expiry, LEASE_MS)).toBe(2);
    expect(await store.acquire("hall-1", "a", expiry + 1, LEASE_MS)).toBeNull();
    expect(await store.acquire("hall-1", "a", expiry + LEASE_MS, LEASE_MS)).toBe(3);
    const [lease] = await store.leases(expiry + LEASE_MS);
    expect(lease).toMatchObject({ ownerNode: "a", epoch: 3, acquiredMs: expiry + LEASE_MS, ageMs: 0 });
  });

  it("renews only leases still ours with that epoch, and returns the ones lost", async () => {
    const store = new LeaseStore(await fresh());
    expect(await store.acquire("hall-1", "a", T0, LEASE_MS)).toBe(1);
    expect(await store.acquire("hall-2", "a", T0, LEASE_MS)).toBe(1);
    expect(await store.acquire("hall-3", "a", T0, LEASE_MS)).toBe(1);
    expect(await store.renew("a", [], T0, LEASE_MS)).toEqual([]);
    // hall-2 expires and b takes it; hall-3 is renewed with a stale epoch; hall-4 was never ours.
    expect(await store.acquire("hall-2", "b", T0 + LEASE_MS, LEASE_MS)).toBe(2);
    const lost = await store.renew(
      "a",
      [
        { hallId: "hall-1", epoch: 1 },
        { hallId: "hall-2", epoch: 1 },
        { hallId: "hall-3", epoch: 7 },
        { hallId: "hall-4", epoch: 1 },
      ],
      T0 + LEASE_MS + 500,
      LEASE_MS,
    );
    expect(lost.map((l) => l.hallId).sort()).toEqual(["hall-2", "hall-3", "hall-4"]);
    const leases = await store.leases(T0 + LEASE_MS + 500);
    // hall-1 had expired but nobody took it (the epoch proves it): renewing it is safe.
    expect(leases.find((l) => l.hallId === "hall-1")).toMatchObject({
      ownerNode: "a",
      epoch: 1,
      expiresMs: T0 + 2 * LEASE_MS + 500,
    });
    expect(leases.find((l) => l.hallId === "hall-2")).toMatchObject({ ownerNode: "b", epoch: 2 });
    expect(leases.find((l) => l.hallId === "hall-3")).toMatchObject({
      expiresMs: T0 + LEASE_MS,
      expired: true,
    });
  });

  it("renews many leases at once", async () => {
    const store = new LeaseStore(await fresh());
    const held = [];
    for (let i = 0; i < 250; i += 1) {
      const hallId = `hall-${String(i).padStart(3, "0")}`;
      held.push({ hallId, epoch: (await store.acquire(hallId, "a", T0, LEASE_MS)) ?? 0 });
    }
    expect(await store.renew("a", held, T0 + 1_000, LEASE_MS)).toEqual([]);
    const leases = await store.leases(T0 + 1_000);
    expect(leases).toHaveLength(250);
    expect(leases.every((l) => l.expiresMs === T0 + 1_000 + LEASE_MS)).toBe(true);
    expect(leases.map((l) => l.hallId)).toEqual(held.map((h) => h.hallId));
  });

  it("names a hall's owner and its address while the lease is unexpired, and nobody otherwise", async () => {
    const store = new LeaseStore(await fresh());
    await store.heartbeat({ ...node("a"), address: "http://10.0.0.1:8080" }, T0);
    await store.heartbeat(node("b"), T0);
    expect(await store.ownerOf("hall-1", T0)).toBeNull(); // never leased
    expect(await store.acquire("hall-1", "a", T0, LEASE_MS)).toBe(1);
    expect(await store.ownerOf("hall-1", T0 + 1_000)).toEqual({
      nodeId: "a",
      address: "http://10.0.0.1:8080",
    });
    // Expired (a takeover in progress): nobody to ask until another node acquires it.
    expect(await store.ownerOf("hall-1", T0 + LEASE_MS)).toBeNull();
    expect(await store.acquire("hall-1", "b", T0 + LEASE_MS, LEASE_MS)).toBe(2);
    // b has no address recorded: its owner is known, the address is null.
    expect(await store.ownerOf("hall-1", T0 + LEASE_MS + 1)).toEqual({ nodeId: "b", address: null });
    // Released, or abandoned by a restarted process: nobody.
    await store.release("b", ["hall-1"], T0 + LEASE_MS + 2);
    expect(await store.ownerOf("hall-1", T0 + LEASE_MS + 2)).toBeNull();
    expect(await store.acquire("hall-1", "a", T0 + LEASE_MS + 3, LEASE_MS)).toBe(3);
    await store.abandon("a", T0 + LEASE_MS + 4);
    expect(await store.ownerOf("hall-1", T0 + LEASE_MS + 4)).toBeNull();
  });

  it("releases only its own leases, at once, so another node acquires without waiting", async () => {
    const store = new LeaseStore(await fresh());
    await store.acquire("hall-1", "a", T0, LEASE_MS);
    await store.acquire("hall-2", "b", T0, LEASE_MS);
    expect(await store.release("a", ["hall-1", "hall-2", "hall-9"], T0 + 1_000)).toEqual(["hall-1"]);
    expect(await store.release("a", [], T0 + 1_000)).toEqual([]);
    expect(await store.acquire("hall-1", "b", T0 + 1_000, LEASE_MS)).toBe(2);
    expect(await store.acquire("hall-2", "c", T0 + 1_000, LEASE_MS)).toBeNull();
    expect((await store.leases(T0 + 1_000)).find((l) => l.hallId === "hall-2")).toMatchObject({
      ownerNode: "b",
    });
  });

  it("abandons a previous process's leases, so the next acquisition under the same id raises the epoch", async () => {
    const store = new LeaseStore(await fresh());
    await store.acquire("hall-1", "a", T0, LEASE_MS);
    await store.acquire("hall-2", "a", T0, LEASE_MS);
    await store.acquire("hall-3", "b", T0, LEASE_MS);
    expect(await store.abandon("a", T0 + 1_000)).toBe(2);
    const leases = await store.leases(T0 + 1_000);
    expect(leases.find((l) => l.hallId === "hall-1")).toMatchObject({
      ownerNode: null,
      epoch: 1,
      acquiredMs: null,
      ageMs: null,
      expiresMs: T0 + 1_000,
      expired: true,
    });
    expect(leases.find((l) => l.hallId === "hall-3")).toMatchObject({ ownerNode: "b", expired: false });
    expect(await store.acquire("hall-1", "a", T0 + 1_000, LEASE_MS)).toBe(2);
    // The previous process, paused meanwhile, wakes up and writes with its epoch: fenced.
    await expect(store.fencedWrite("hall-2", "a", 1, T0 + 1_000, async () => {})).rejects.toBeInstanceOf(
      LeaseLostError,
    );
    expect(await store.renew("a", [{ hallId: "hall-2", epoch: 1 }], T0 + 1_000, LEASE_MS)).toHaveLength(1);
  });

  it("fences a write: it runs only under the current owner and epoch of an unexpired lease", async () => {
    const sql = await fresh();
    const store = new LeaseStore(sql);
    const write = (owner: string, epoch: number, nowMs: number, name: string) =>
      store.fencedWrite("hall-1", owner, epoch, nowMs, async (tx) => {
        await tx.run("INSERT INTO counters (name, value) VALUES (?, 1)", [name]);
        return name;
      });
    const written = async () =>
      (await sql.all<{ name: string }>("SELECT name FROM counters ORDER BY name")).map((r) => r.name);
    await expect(write("a", 1, T0, "no-lease")).rejects.toBeInstanceOf(LeaseLostError);
    await store.acquire("hall-1", "a", T0, LEASE_MS);
    expect(await write("a", 1, T0 + 1_000, "a-1")).toBe("a-1");
    const wrongEpoch = await write("a", 2, T0 + 1_000, "a-2").catch((err: unknown) => err);
    expect(wrongEpoch).toBeInstanceOf(LeaseLostError);
    expect(wrongEpoch).toMatchObject({ hallId: "hall-1", nodeId: "a", epoch: 2, code: "lease_lost" });
    await expect(write("b", 1, T0 + 1_000, "b-1")).rejects.toBeInstanceOf(LeaseLostError);
    await expect(write("a", 1, T0 + LEASE_MS, "a-expired")).rejects.toBeInstanceOf(LeaseLostError);
    await store.acquire("hall-1", "b", T0 + LEASE_MS, LEASE_MS);
    await expect(write("a", 1, T0 + LEASE_MS + 1, "a-after-takeover")).rejects.toBeInstanceOf(LeaseLostError);
    expect(await write("b", 2, T0 + LEASE_MS + 1, "b-2")).toBe("b-2");
    expect(await written()).toEqual(["a-1", "b-2"]);
    // assertOwner inside a transaction the caller opened: a lost lease rolls back what was written before it.
    await expect(
      sql.transaction(async (tx) => {
        await tx.run("INSERT INTO counters (name, value) VALUES (?, 1)", ["before-assert"]);
        await store.assertOwner(tx, "hall-1", "a", 1, T0 + LEASE_MS + 2);
      }),
    ).rejects.toBeInstanceOf(LeaseLostError);
    expect(await written()).toEqual(["a-1", "b-2"]);
  });

  if (engineName !== "postgres") return;

  it("lets exactly one of two nodes win a race for the same hall (two engines)", async () => {
    const first = await fresh();
    const second = new PostgresEngine({ connectionString: connectionStringOf(first) });
    try {
      const a = new LeaseStore(first);
      const b = new LeaseStore(second);
      for (let round = 0; round < 20; round += 1) {
        const hallId = `hall-${round}`;
        // A free hall (insert race), then an expired one (update race).
        const fresh = await Promise.all([
          a.acquire(hallId, "a", T0, LEASE_MS),
          b.acquire(hallId, "b", T0, LEASE_MS),
        ]);
        expect(fresh.filter((e) => e !== null)).toEqual([1]);
        const later = T0 + LEASE_MS;
        const expired = await Promise.all([
          a.acquire(hallId, "c", later, LEASE_MS),
          b.acquire(hallId, "d", later, LEASE_MS),
        ]);
        expect(expired.filter((e) => e !== null)).toEqual([2]);
      }
    } finally {
      await second.close();
    }
  });

  it("makes a takeover wait for a fenced write in progress, which then commits under the old epoch", async () => {
    const first = await fresh();
    const second = new PostgresEngine({ connectionString: connectionStringOf(first) });
    try {
      const a = new LeaseStore(first);
      const b = new LeaseStore(second);
      expect(await a.acquire("hall-1", "a", T0, LEASE_MS)).toBe(1);
      let finishWrite = () => {};
      const writing = new Promise<void>((resolve) => {
        finishWrite = resolve;
      });
      let asserted = () => {};
      const lockHeld = new Promise<void>((resolve) => {
        asserted = resolve;
      });
      const write = a.fencedWrite("hall-1", "a", 1, T0 + LEASE_MS - 1, async (tx) => {
        asserted();
        await writing;
        await tx.run("INSERT INTO counters (name, value) VALUES ('a-last', 1)");
      });
      await lockHeld;
      let takenAt: "before" | "after" | null = null;
      const takeover = b.acquire("hall-1", "b", T0 + LEASE_MS, LEASE_MS).then((epoch) => {
        takenAt = takenAt ?? "before";
        return epoch;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(takenAt).toBeNull();
      finishWrite();
      await write;
      takenAt = takenAt ?? "after";
      expect(await takeover).toBe(2);
      expect(await first.get("SELECT value FROM counters WHERE name = 'a-last'")).toEqual({ value: 1 });
    } finally {
      await second.close();
    }
  });
});

function connectionStringOf(engine: SqlEngine): string {
  const options = (engine as PostgresEngine).pool.options as { connectionString?: string };
  if (!options.connectionString) throw new Error("no connection string");
  return options.connectionString;
}
