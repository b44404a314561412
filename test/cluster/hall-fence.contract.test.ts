import { expect, it } from "vitest";
import { LeaseFence, UNFENCED } from "../../src/cluster/hall-fence.js";
import { LeaseStore } from "../../src/cluster/lease-store.js";
import type { SqlEngine } from "../../src/store/sql/engine.js";
import { PostgresEngine } from "../../src/store/sql/postgres-engine.js";
import { describeEachEngine } from "../helpers/engines.js";

const LEASE_MS = 15_000;

/**
 * A batch of state writes spans many halls (the aggregator's flush, the alerts' batch): the fence says, inside the
 * write's own transaction, which of them this node still owns at its epoch, so a node that lost a lease (paused, cut
 * off) writes nothing of that hall over the new owner's state — and keeps the rest.
 */
describeEachEngine("the hall fence", (fresh, engineName) => {
  const held = (epochs: Record<string, number>) => (hallId: string) => epochs[hallId] ?? null;

  it("lets through the halls this node owns at its epoch, and none of another's, an expired or an unknown one", async () => {
    const sql = await fresh();
    const leases = new LeaseStore(sql);
    const nowMs = await leases.nowMs();
    expect(await leases.acquire("h1", "a", nowMs, LEASE_MS)).toBe(1);
    expect(await leases.acquire("h2", "a", nowMs, LEASE_MS)).toBe(1);
    expect(await leases.acquire("h3", "b", nowMs, LEASE_MS)).toBe(1);
    expect(await leases.acquire("h4", "a", nowMs - LEASE_MS - 1, LEASE_MS)).toBe(1); // already expired
    const fence = new LeaseFence("a", held({ h1: 1, h2: 1, h3: 1, h4: 1 }));
    const writable = await sql.transaction((tx) =>
      fence.writable(tx, new Set(["h1", "h2", "h3", "h4", "h5", "_system"])),
    );
    expect([...writable].sort()).toEqual(["_system", "h1", "h2"]);
  });

  it("refuses a hall taken over meanwhile, even with the old epoch still believed here", async () => {
    const sql = await fresh();
    const leases = new LeaseStore(sql);
    const nowMs = await leases.nowMs();
    await leases.acquire("h1", "a", nowMs, LEASE_MS);
    await leases.acquire("h2", "a", nowMs, LEASE_MS);
    await leases.release("a", ["h2"], nowMs);
    expect(await leases.acquire("h2", "b", nowMs, LEASE_MS)).toBe(2);
    // Node a was paused and has not noticed: it still holds epoch 1 for both.
    const fence = new LeaseFence("a", held({ h1: 1, h2: 1 }));
    const writable = await sql.transaction((tx) => fence.writable(tx, new Set(["h1", "h2"])));
    expect([...writable]).toEqual(["h1"]);
    // And a hall this node never believed it held is refused even if the database says it is its own.
    const forgetful = new LeaseFence("a", held({}));
    expect([...(await sql.transaction((tx) => forgetful.writable(tx, new Set(["h1"]))))]).toEqual([]);
  });

  it("lets everything through on a single node (no leases)", async () => {
    const sql = await fresh();
    const writable = await sql.transaction((tx) => UNFENCED.writable(tx, new Set(["h1", "h9"])));
    expect([...writable].sort()).toEqual(["h1", "h9"]);
  });

  it.runIf(engineName === "postgres")(
    "makes a takeover wait until a fenced batch in progress has committed",
    async () => {
      const first = await fresh();
      const options = (first as PostgresEngine).pool.options as { connectionString?: string };
      const second: SqlEngine = new PostgresEngine({ connectionString: options.connectionString as string });
      try {
        const a = new LeaseStore(first);
        const nowMs = await a.nowMs();
        await a.acquire("h1", "a", nowMs, 1_000);
        await a.acquire("h2", "a", nowMs, 1_000);
        const fence = new LeaseFence("a", held({ h1: 1, h2: 1 }));
        let finish = () => {};
        const finishing = new Promise<void>((resolve) => {
          finish = resolve;
        });
        let checked = () => {};
        const fenced = new Promise<void>((resolve) => {
          checked = resolve;
        });
        const write = first.transaction(async (tx) => {
          const writable = await fence.writable(tx, new Set(["h2", "h1"]));
          checked();
          await finishing;
          await tx.run("INSERT INTO counters (name, value) VALUES ('written-by-a', ?)", [writable.size]);
        });
        await fenced;
        await new Promise((resolve) => setTimeout(resolve, 1_100)); // the leases expire while a writes
        let took: number | null | "pending" = "pending";
        const takeover = new LeaseStore(second)
          .acquire("h2", "b", await new LeaseStore(second).nowMs(), LEASE_MS)
          .then((epoch) => {
            took = epoch;
          });
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(took).toBe("pending");
        finish();
        await write;
        await takeover;
        expect(took).toBe(2);
        expect(await first.get("SELECT value FROM counters WHERE name = 'written-by-a'")).toEqual({
          value: 2,
        });
      } finally {
        await second.close();
      }
    },
  );
});
