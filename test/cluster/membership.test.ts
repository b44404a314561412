import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { LeaseLostError, type LeasePort, LeaseStore } from "../../src/cluster/lease-store.js";
import { ClusterMembership, type MembershipEvents } from "../../src/cluster/membership.js";
import { silentLogger } from "../../src/logging.js";
import { PostgresEngine } from "../../src/store/sql/postgres-engine.js";
import { migratePostgres } from "../../src/store/sql/postgres-migrations.js";
import { requireInCi } from "../helpers/external-servers.js";
import { PG_BIN, type PostgresServer, startPostgres } from "../helpers/postgres.js";

const T0 = 1_764_547_200_000;
const HEARTBEAT_MS = 5_000;
const LEASE_MS = 15_000;
const DISTRICTS = ["xicheng", "dongcheng", "haidian", "chaoyang", "fengtai"];
const HALLS = Array.from(
  { length: 60 },
  (_, i) => `hall-bj-${DISTRICTS[i % DISTRICTS.length]}-${String(Math.floor(i / 5) + 1).padStart(3, "0")}`,
);

const run = requireInCi(PG_BIN, "PostgreSQL");

interface Node {
  membership: ClusterMembership;
  engine: PostgresEngine;
  events: { event: keyof MembershipEvents; hallId: string; epoch: number }[];
}

describe.skipIf(!run)("three nodes sharing 60 halls on PostgreSQL", () => {
  let server: PostgresServer | null = null;
  const opened: PostgresEngine[] = [];
  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);
  afterEach(async () => {
    for (const engine of opened.splice(0)) await engine.close();
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** Three memberships, each with its own connection pool to one database, all on one injected clock. */
  async function cluster(names = ["node-a", "node-b", "node-c"]) {
    if (!server) throw new Error("postgres not started");
    const url = await server.createDatabase();
    const admin = new PostgresEngine({ connectionString: url });
    opened.push(admin);
    await migratePostgres(admin);
    const clock = { ms: T0 };
    const nodes = new Map<string, Node>();
    for (const nodeId of names) {
      const engine = new PostgresEngine({ connectionString: url, maxConnections: 3 });
      opened.push(engine);
      const membership = new ClusterMembership({
        nodeId,
        store: new LeaseStore(engine),
        hallIds: async () => HALLS,
        now: () => clock.ms,
        heartbeatMs: HEARTBEAT_MS,
        leaseMs: LEASE_MS,
        logger: silentLogger(),
      });
      const node: Node = { membership, engine, events: [] };
      for (const event of ["acquired", "released", "lost"] as const)
        membership.on(event, ({ hallId, epoch }) => node.events.push({ event, hallId, epoch }));
      nodes.set(nodeId, node);
    }
    const store = new LeaseStore(admin);
    const get = (nodeId: string) => nodes.get(nodeId) as Node;

    /**
     * What must hold after every tick: the running nodes hold disjoint sets of halls, and every hall a running node
     * holds is backed by its unexpired lease in the database at the epoch it fences with.
     */
    async function checkOwnership(running: string[]): Promise<void> {
      const leases = new Map((await store.leases(clock.ms)).map((l) => [l.hallId, l]));
      const seen = new Map<string, string>();
      for (const nodeId of running) {
        for (const [hallId, epoch] of get(nodeId).membership.heldHalls()) {
          expect(seen.get(hallId), `${hallId} held by ${seen.get(hallId)} and ${nodeId}`).toBeUndefined();
          seen.set(hallId, nodeId);
          expect(leases.get(hallId)).toMatchObject({ ownerNode: nodeId, epoch, expired: false });
        }
      }
    }

    /** Each running node ticks once, in turn, checking ownership after every tick; then the clock moves on. */
    async function round(running: string[]): Promise<void> {
      for (const nodeId of running) {
        await get(nodeId).membership.tick();
        await checkOwnership(running);
      }
      clock.ms += HEARTBEAT_MS;
    }

    const counts = (running: string[]) => running.map((id) => get(id).membership.heldHalls().size);
    const owned = (running: string[]) => counts(running).reduce((a, b) => a + b, 0);
    return { clock, store, admin, get, round, counts, owned, checkOwnership };
  }

  function expectEven(counts: number[], total: number): void {
    const even = total / counts.length;
    for (const n of counts) {
      expect(n).toBeGreaterThanOrEqual(Math.floor(even * 0.8));
      expect(n).toBeLessThanOrEqual(Math.ceil(even * 1.2));
    }
  }

  it("spreads the halls within ±20 % of even, each with one owner, and keeps them stable", async () => {
    const all = ["node-a", "node-b", "node-c"];
    const c = await cluster(all);
    await c.round(all);
    // The first round only announces the nodes: nobody grabs every hall only to hand most of them over next round.
    expect(c.owned(all)).toBe(0);
    await c.round(all);
    expect(c.owned(all)).toBe(60);
    expectEven(c.counts(all), 60);
    for (const id of all)
      expect(c.get(id).events.every((e) => e.event === "acquired" && e.epoch === 1)).toBe(true);
    await c.round(all);
    const before = new Map(all.map((id) => [id, new Map(c.get(id).membership.heldHalls())]));
    const events = all.map((id) => c.get(id).events.length);
    for (let i = 0; i < 5; i += 1) await c.round(all);
    // Steady state: the leases are renewed, nothing moves, no event.
    for (const id of all) expect(new Map(c.get(id).membership.heldHalls())).toEqual(before.get(id));
    expect(all.map((id) => c.get(id).events.length)).toEqual(events);
    expect((await c.store.liveNodes(c.clock.ms, LEASE_MS)).map((n) => n.nodeId)).toEqual(all);
  });

  it("hands a stopping node's halls to the others at their next tick, without waiting for expiry", async () => {
    const all = ["node-a", "node-b", "node-c"];
    const c = await cluster(all);
    for (let i = 0; i < 4; i += 1) await c.round(all);
    const heldByB = new Map(c.get("node-b").membership.heldHalls());
    await c.get("node-b").membership.stop();
    expect(c.get("node-b").membership.heldHalls().size).toBe(0);
    expect(
      c
        .get("node-b")
        .events.filter((e) => e.event === "released")
        .map((e) => e.hallId)
        .sort(),
    ).toEqual([...heldByB.keys()].sort());
    expect((await c.store.nodes()).find((n) => n.nodeId === "node-b")?.stoppedMs).toBe(c.clock.ms);
    // One tick each of the two others, at the same instant (no lease has expired), takes node-b's halls; a hall
    // the load bound moves between the two others is handed over at the next tick.
    const heldBefore = new Map([
      ...c.get("node-a").membership.heldHalls(),
      ...c.get("node-c").membership.heldHalls(),
    ]);
    await c.round(["node-a", "node-c"]);
    const takenAtOnce = [...heldByB.keys()].filter(
      (h) => c.get("node-a").membership.epochOf(h) !== null || c.get("node-c").membership.epochOf(h) !== null,
    );
    expect(takenAtOnce.length).toBeGreaterThanOrEqual(heldByB.size * 0.8);
    await c.round(["node-a", "node-c"]);
    expect(c.owned(["node-a", "node-c"])).toBe(60);
    const movedOthers = [...heldBefore.keys()].filter(
      (h) =>
        c.get("node-a").membership.epochOf(h) !== (heldBefore.get(h) ?? null) &&
        c.get("node-c").membership.epochOf(h) !== (heldBefore.get(h) ?? null),
    );
    expect(movedOthers.length).toBeLessThanOrEqual(6);
    expectEven(c.counts(["node-a", "node-c"]), 60);
    const leases = await c.store.leases(c.clock.ms);
    for (const [hallId, epoch] of heldByB)
      expect(leases.find((l) => l.hallId === hallId)?.epoch).toBe(epoch + 1);
  });

  it("still fences with a hall's epoch while it drains on hand-over, so the hall's last writes land", async () => {
    if (!server) throw new Error("postgres not started");
    const url = await server.createDatabase();
    const engine = new PostgresEngine({ connectionString: url });
    opened.push(engine);
    await migratePostgres(engine);
    const clock = { ms: T0 };
    const seenWhileDraining: (number | null)[] = [];
    const membership: ClusterMembership = new ClusterMembership({
      nodeId: "node-a",
      store: new LeaseStore(engine),
      hallIds: async () => HALLS.slice(0, 3),
      now: () => clock.ms,
      heartbeatMs: HEARTBEAT_MS,
      leaseMs: LEASE_MS,
      logger: silentLogger(),
      drain: async (hallIds) => {
        for (const hallId of hallIds) seenWhileDraining.push(membership.epochOf(hallId));
        expect(membership.heldHalls().size).toBe(0);
      },
    });
    await membership.tick();
    clock.ms += HEARTBEAT_MS;
    await membership.tick();
    expect(membership.heldHalls().size).toBe(3);
    await membership.stop();
    expect(seenWhileDraining).toEqual([1, 1, 1]);
    expect(membership.epochOf(HALLS[0] as string)).toBeNull();
  });

  it("takes a crashed node's halls after its lease expires with epoch + 1, fences its writes, and rebalances when it returns", async () => {
    const all = ["node-a", "node-b", "node-c"];
    const c = await cluster(all);
    for (let i = 0; i < 4; i += 1) await c.round(all);
    const crashed = c.get("node-c").membership;
    const heldByC = new Map(crashed.heldHalls());
    const crashedAtMs = c.clock.ms - HEARTBEAT_MS; // its last tick, when it last renewed
    const survivors = ["node-a", "node-b"];
    // node-c stops ticking without releasing anything (SIGKILL, or a pause).
    while (c.clock.ms < crashedAtMs + LEASE_MS) {
      await c.round(survivors);
      expect(c.owned(survivors)).toBe(60 - heldByC.size);
    }
    await c.round(survivors);
    expect(c.owned(survivors)).toBe(60);
    expectEven(c.counts(survivors), 60);
    const leases = new Map((await c.store.leases(c.clock.ms)).map((l) => [l.hallId, l]));
    for (const [hallId, epoch] of heldByC) {
      expect(leases.get(hallId)?.epoch).toBe(epoch + 1);
      expect(survivors).toContain(leases.get(hallId)?.ownerNode);
    }

    // The crashed node wakes up (it still believes it holds its halls) and writes: fenced.
    const [hallId, staleEpoch] = [...crashed.heldHalls()][0] as [string, number];
    const nodeC = c.get("node-c");
    const write = new LeaseStore(nodeC.engine).fencedWrite(
      hallId,
      "node-c",
      staleEpoch,
      c.clock.ms,
      async (tx) => {
        await tx.run("INSERT INTO counters (name, value) VALUES (?, 1)", [`written-by-node-c:${hallId}`]);
      },
    );
    const err = await write.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LeaseLostError);
    expect(err).toMatchObject({ hallId, nodeId: "node-c", epoch: staleEpoch });
    expect(
      await c.admin.get("SELECT name FROM counters WHERE name = ?", [`written-by-node-c:${hallId}`]),
    ).toBe(undefined);

    // Its next tick tells it every hall is lost; the halls then come back to it as the others hand them over.
    await crashed.tick();
    expect(crashed.heldHalls().size).toBe(0);
    expect(
      nodeC.events
        .filter((e) => e.event === "lost")
        .map((e) => e.hallId)
        .sort(),
    ).toEqual([...heldByC.keys()].sort());
    for (let i = 0; i < 3; i += 1) await c.round(all);
    expect(c.owned(all)).toBe(60);
    expectEven(c.counts(all), 60);
    // Rendezvous gives node-c back the halls it had.
    expect([...crashed.heldHalls().keys()].sort()).toEqual([...heldByC.keys()].sort());
    for (const [hall, epoch] of crashed.heldHalls()) expect(epoch).toBe((heldByC.get(hall) ?? 0) + 2);
  });

  it("fences a paused process when its node is restarted under the same id: the new process raises the epoch", async () => {
    const all = ["node-a", "node-b", "node-c"];
    const c = await cluster(all);
    for (let i = 0; i < 3; i += 1) await c.round(all);
    const paused = c.get("node-c").membership;
    const heldByPaused = new Map(paused.heldHalls());
    // A supervisor starts a new process for node-c while the old one is frozen (SIGSTOP), not dead.
    const engine = new PostgresEngine({
      connectionString: connectionStringOf(c.get("node-c").engine),
      maxConnections: 3,
    });
    opened.push(engine);
    const restarted = new ClusterMembership({
      nodeId: "node-c",
      store: new LeaseStore(engine),
      hallIds: async () => HALLS,
      now: () => c.clock.ms,
      heartbeatMs: HEARTBEAT_MS,
      leaseMs: LEASE_MS,
      logger: silentLogger(),
    });
    await restarted.tick();
    c.clock.ms += HEARTBEAT_MS;
    await restarted.tick();
    // Its halls at once (no waiting for expiry), each one epoch up.
    expect([...restarted.heldHalls().keys()].sort()).toEqual([...heldByPaused.keys()].sort());
    for (const [hallId, epoch] of restarted.heldHalls())
      expect(epoch).toBe((heldByPaused.get(hallId) ?? 0) + 1);
    // The old process wakes up and writes with what it believes: fenced, nothing written.
    const [hallId, staleEpoch] = [...heldByPaused][0] as [string, number];
    await expect(
      new LeaseStore(c.get("node-c").engine).fencedWrite(
        hallId,
        "node-c",
        staleEpoch,
        c.clock.ms,
        async (tx) => {
          await tx.run("INSERT INTO counters (name, value) VALUES ('old-process', 1)");
        },
      ),
    ).rejects.toBeInstanceOf(LeaseLostError);
    expect(await c.admin.get("SELECT name FROM counters WHERE name = 'old-process'")).toBeUndefined();
    expect(
      await new LeaseStore(c.get("node-c").engine).renew(
        "node-c",
        [{ hallId, epoch: staleEpoch }],
        c.clock.ms,
        LEASE_MS,
      ),
    ).toHaveLength(1);
    await restarted.stop();
  });

  it("drops every hall when the database stays unreachable for a whole lease, and takes them back after", async () => {
    const c = await cluster(["node-a"]);
    const node = c.get("node-a");
    // A store that can be cut off, standing for a network split between the node and PostgreSQL.
    const real = new LeaseStore(node.engine);
    let reachable = true;
    const store = new Proxy(real, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          if (!reachable) return Promise.reject(new Error("connect ECONNREFUSED"));
          return value.apply(target, args);
        };
      },
    }) as LeasePort;
    const events: string[] = [];
    const membership = new ClusterMembership({
      nodeId: "node-a",
      store,
      hallIds: async () => HALLS.slice(0, 5),
      now: () => c.clock.ms,
      heartbeatMs: HEARTBEAT_MS,
      leaseMs: LEASE_MS,
      logger: silentLogger(),
    });
    membership.on("lost", ({ hallId }) => events.push(`lost ${hallId}`));
    membership.on("acquired", ({ hallId, epoch }) => events.push(`acquired ${hallId} ${epoch}`));
    await membership.tick(); // announces itself
    c.clock.ms += HEARTBEAT_MS;
    await membership.tick();
    expect(membership.heldHalls().size).toBe(5);
    reachable = false;
    events.length = 0;
    for (let elapsed = HEARTBEAT_MS; elapsed < LEASE_MS; elapsed += HEARTBEAT_MS) {
      c.clock.ms += HEARTBEAT_MS;
      await membership.tick(); // fails, logged, survives
      expect(membership.heldHalls().size).toBe(5);
    }
    c.clock.ms += HEARTBEAT_MS;
    await membership.tick();
    expect(membership.heldHalls().size).toBe(0);
    expect(events.filter((e) => e.startsWith("lost"))).toHaveLength(5);
    reachable = true;
    c.clock.ms += HEARTBEAT_MS;
    await membership.tick();
    // Nobody else took them: same epoch, since nobody wrote them in between.
    expect(events.filter((e) => e.startsWith("acquired")).sort()).toEqual(
      HALLS.slice(0, 5)
        .map((h) => `acquired ${h} 1`)
        .sort(),
    );
  });
  it("measures leases on the database's clock when no clock is injected", async () => {
    if (!server) throw new Error("postgres not started");
    const engine = new PostgresEngine({ connectionString: await server.createDatabase() });
    opened.push(engine);
    await migratePostgres(engine);
    const store = new LeaseStore(engine);
    const membership = new ClusterMembership({
      nodeId: "node-a",
      store,
      hallIds: async () => HALLS,
      heartbeatMs: 20,
      leaseMs: LEASE_MS,
      logger: silentLogger(),
    });
    await membership.tick();
    await membership.tick();
    expect(membership.heldHalls().size).toBe(60);
    const dbNowMs = await store.nowMs();
    for (const lease of await store.leases(dbNowMs)) {
      expect(lease.expiresMs).toBeGreaterThan(dbNowMs);
      expect(lease.expiresMs).toBeLessThanOrEqual(dbNowMs + LEASE_MS);
    }
    await membership.stop();
    expect((await store.leases(await store.nowMs())).every((l) => l.expired)).toBe(true);
  });
});

function connectionStringOf(engine: PostgresEngine): string {
  const options = engine.pool.options as { connectionString?: string };
  if (!options.connectionString) throw new Error("no connection string");
  return options.connectionString;
}
