import { afterEach, expect, it } from "vitest";
import { type LeasePort, LeaseStore } from "../../src/cluster/lease-store.js";
import { ClusterMembership } from "../../src/cluster/membership.js";
import { silentLogger } from "../../src/logging.js";
import { openDatabase } from "../../src/store/database.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";
import { sleep, waitFor } from "../helpers/wait.js";

// The membership's own timer, on real time and the embedded engine: ticks never overlap, a failing or hanging
// database is survived, and stop() hands over.
const HALLS = ["hall-1", "hall-2", "hall-3"];
const engines: SqliteEngine[] = [];
const memberships: ClusterMembership[] = [];
afterEach(async () => {
  for (const m of memberships.splice(0)) await m.stop();
  for (const e of engines.splice(0)) await e.close();
});

/** The real store with a hook before each call (to slow it down, fail it or hang it). */
function storeWith(before: (method: string) => Promise<void>): { store: LeasePort; real: LeaseStore } {
  const engine = new SqliteEngine(openDatabase(":memory:"));
  engines.push(engine);
  const real = new LeaseStore(engine);
  const store = new Proxy(real, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        await before(String(key));
        return value.apply(target, args);
      };
    },
  }) as LeasePort;
  return { store, real };
}

function membership(store: LeasePort, hallIds: () => Promise<readonly string[]>, leaseMs = 1_000) {
  const m = new ClusterMembership({
    nodeId: "node-a",
    store,
    hallIds,
    heartbeatMs: 20,
    leaseMs,
    logger: silentLogger(),
  });
  memberships.push(m);
  return m;
}

it("never overlaps two ticks, however slow the database", async () => {
  let inFlight = 0;
  let most = 0;
  let renewals = 0;
  const { store } = storeWith(async (method) => {
    if (method !== "renew") return;
    renewals += 1;
    inFlight += 1;
    most = Math.max(most, inFlight);
    await sleep(100); // five heartbeats
    inFlight -= 1;
  });
  const m = membership(store, async () => HALLS);
  await m.start();
  await waitFor(() => renewals >= 3, "three renewals");
  expect(most).toBe(1);
});

it("survives failing ticks and takes its halls once the database answers; stop() hands them over", async () => {
  let failures = 3;
  const { store, real } = storeWith(async () => {});
  const m = membership(store, async () => {
    if (failures > 0) {
      failures -= 1;
      throw new Error("hall list unavailable");
    }
    return HALLS;
  });
  const released: string[] = [];
  m.on("released", ({ hallId }) => released.push(hallId));
  await m.start();
  await waitFor(() => m.heldHalls().size === 3, "three halls held");
  expect(failures).toBe(0);
  await m.stop();
  expect(released.sort()).toEqual(HALLS);
  const leases = await real.leases(Date.now());
  expect(leases.every((l) => l.expired)).toBe(true);
  expect((await real.nodes())[0]?.stoppedMs).not.toBeNull();
  // Stopped: no tick runs any more.
  await sleep(60);
  expect(m.heldHalls().size).toBe(0);
});

it("drops its halls after a lease without renewal even while a tick hangs on the database", async () => {
  let hang = false;
  let unhang = () => {};
  const hung = new Promise<void>((resolve) => {
    unhang = resolve;
  });
  const { store } = storeWith(async () => {
    if (hang) await hung;
  });
  const m = membership(store, async () => HALLS, 200);
  const lost: string[] = [];
  m.on("lost", ({ hallId }) => lost.push(hallId));
  await m.start();
  await waitFor(() => m.heldHalls().size === 3, "three halls held");
  hang = true;
  const hungAt = performance.now();
  await waitFor(() => lost.length === 3, "every hall lost", 2_000, 5);
  // Not before a whole lease has passed since the last renewal was sent.
  expect(performance.now() - hungAt).toBeGreaterThanOrEqual(150);
  expect(m.heldHalls().size).toBe(0);
  hang = false;
  unhang();
  await waitFor(() => m.heldHalls().size === 3, "halls taken back");
});

it("stops even while a tick hangs on the database, without waiting for it for ever", async () => {
  let hang = false;
  const { store } = storeWith(async () => {
    if (hang) await new Promise(() => {});
  });
  const m = membership(store, async () => HALLS, 200);
  await m.start();
  await waitFor(() => m.heldHalls().size === 3, "three halls held");
  hang = true;
  await sleep(50); // a tick is now stuck
  const stopping = performance.now();
  await m.stop();
  expect(performance.now() - stopping).toBeLessThan(1_000);
  expect(m.heldHalls().size).toBe(0);
});

it("gives halls only to nodes with the ingest role", async () => {
  const engine = new SqliteEngine(openDatabase(":memory:"));
  engines.push(engine);
  const clock = { ms: 1_764_547_200_000 };
  const node = (nodeId: string, roles: string[]) =>
    new ClusterMembership({
      nodeId,
      roles,
      store: new LeaseStore(engine),
      hallIds: async () => HALLS,
      now: () => clock.ms,
      logger: silentLogger(),
    });
  const api = node("api-1", ["api"]);
  const ingest = node("ingest-1", ["ingest", "jobs"]);
  for (let i = 0; i < 3; i += 1) {
    await api.tick();
    await ingest.tick();
    clock.ms += 5_000;
  }
  expect(api.heldHalls().size).toBe(0);
  expect(ingest.heldHalls().size).toBe(3);
});

it("takes a hall of its share within about a second of the other node's lease expiring, not a heartbeat later", async () => {
  const { store, real } = storeWith(async () => {});
  // Another node (crashed) holds hall-1 for 2.5 s more; this node's heartbeat is 10 s.
  const nowMs = await real.nowMs();
  expect(await real.acquire("hall-1", "node-z", nowMs - 27_500, 30_000)).toBe(1);
  const m = new ClusterMembership({
    nodeId: "node-a",
    store,
    hallIds: async () => ["hall-1"],
    heartbeatMs: 10_000,
    leaseMs: 30_000,
    logger: silentLogger(),
  });
  memberships.push(m);
  await m.start(); // announces itself; its first acquisition comes one heartbeat later…
  await m.tick(); // …or at once here: the hall is still the crashed node's
  expect(m.heldHalls().size).toBe(0);
  const waitedFrom = Date.now();
  await waitFor(() => m.heldHalls().has("hall-1") || null, "hall-1 taken over", 6_000);
  expect(Date.now() - waitedFrom).toBeLessThan(4_500);
});
