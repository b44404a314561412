import { expect, it } from "vitest";
import type { FireAsset } from "../../src/core/inspections/assets.js";
import { DEFAULT_INSPECTION_POLICY } from "../../src/core/inspections/policy.js";
import { FireAssetStore } from "../../src/store/fire-assets.js";
import { HallStore } from "../../src/store/halls.js";
import type { SqlEngine } from "../../src/store/sql/engine.js";
import { describeEachEngine } from "../helpers/engines.js";

function asset(hallId: string, id: string, extra: Partial<FireAsset> = {}): FireAsset {
  return {
    id,
    hallId,
    location: `entrance ${id}`,
    zone: "entrance",
    type: "dry_powder",
    size: "4 kg",
    manufactureDate: "2022-05-10",
    lastServiceDate: null,
    nextServiceDate: null,
    scrapDate: null,
    pressureMinMpa: 1,
    pressureMaxMpa: 1.4,
    sensorDeviceId: null,
    ...extra,
  } as FireAsset;
}

async function withHalls(sql: SqlEngine): Promise<FireAssetStore> {
  const halls = new HallStore(sql);
  await halls.upsert({ id: "h1", name: "Hall 1" });
  await halls.upsert({ id: "h2", name: "Hall 2" });
  return new FireAssetStore(sql);
}

describeEachEngine("fire asset store", (fresh) => {
  it("adds and updates an asset, keeping when it began to owe inspections", async () => {
    const store = await withHalls(await fresh());
    const first = await store.upsert(asset("h1", "E-01"), 2_000, 1_000);
    expect(first.before).toBeNull();
    expect(first.after).toEqual({
      asset: asset("h1", "E-01"),
      createdMs: 1_000,
      updatedMs: 2_000,
      retiredMs: null,
    });
    const second = await store.upsert(asset("h1", "E-01", { location: "moved" }), 5_000, 4_000);
    expect(second.before?.asset.location).toBe("entrance E-01");
    expect(second.after).toMatchObject({ createdMs: 1_000, updatedMs: 5_000, asset: { location: "moved" } });
    // A creation time in the future is clamped to now.
    expect((await store.upsert(asset("h1", "E-02"), 3_000, 9_000)).after.createdMs).toBe(3_000);
    expect(await store.get("h1", "nope")).toBeNull();
    expect(await store.get("h2", "E-01")).toBeNull();
  });

  it("retires an asset once; a retired asset is listed only when asked and comes back when put again", async () => {
    const store = await withHalls(await fresh());
    for (const id of ["E-10", "E-02", "H-01"]) await store.upsert(asset("h1", id), 1_000);
    await store.upsert(asset("h2", "E-01"), 1_000);
    expect((await store.retire("h1", "E-02", 2_000))?.retiredMs).toBe(2_000);
    expect(await store.retire("h1", "E-02", 3_000)).toBeNull();
    expect(await store.retire("h1", "missing", 3_000)).toBeNull();
    expect((await store.list("h1")).map((s) => s.asset.id)).toEqual(["E-10", "H-01"]);
    expect((await store.list("h1", { includeRetired: true })).map((s) => s.asset.id)).toEqual([
      "E-02",
      "E-10",
      "H-01",
    ]);
    expect((await store.get("h1", "E-02"))?.retiredMs).toBe(2_000);
    expect((await store.listAll()).map((s) => `${s.asset.hallId}/${s.asset.id}`)).toEqual([
      "h1/E-02",
      "h1/E-10",
      "h1/H-01",
      "h2/E-01",
    ]);
    await store.retire("h2", "E-01", 2_000);
    expect(await store.hallsWithAssets()).toEqual(["h1"]);
    expect((await store.upsert(asset("h2", "E-01"), 4_000)).after.retiredMs).toBeNull();
    expect(await store.hallsWithAssets()).toEqual(["h1", "h2"]);
  });

  it("imports many assets all or none", async () => {
    const store = await withHalls(await fresh());
    await store.upsert(asset("h1", "E-01"), 1_000);
    expect(await store.upsertAll([asset("h1", "E-01"), asset("h1", "E-02")], 2_000)).toEqual({
      created: 1,
      updated: 1,
    });
    // An asset of a hall that does not exist fails the whole import.
    await expect(store.upsertAll([asset("h1", "E-03"), asset("nowhere", "E-04")], 3_000)).rejects.toThrow();
    expect((await store.list("h1")).map((s) => s.asset.id)).toEqual(["E-01", "E-02"]);
  });

  it("keeps one inspection policy per hall", async () => {
    const store = await withHalls(await fresh());
    expect(await store.policy("h1")).toBeNull();
    await store.setPolicy("h1", { ...DEFAULT_INSPECTION_POLICY, weekday: "wed" }, "manager", 1_000);
    await store.setPolicy("h2", DEFAULT_INSPECTION_POLICY, "demo", 2_000);
    await store.setPolicy("h1", { ...DEFAULT_INSPECTION_POLICY, weekday: "fri" }, "boss", 3_000);
    expect(await store.policy("h1")).toEqual({
      policy: { ...DEFAULT_INSPECTION_POLICY, weekday: "fri" },
      updatedBy: "boss",
      updatedMs: 3_000,
    });
    const all = await store.policies();
    expect([...all.keys()].sort()).toEqual(["h1", "h2"]);
    expect(all.get("h2")).toEqual({ policy: DEFAULT_INSPECTION_POLICY, updatedBy: "demo", updatedMs: 2_000 });
  });

  it("raises its version on every write, so an in-memory view knows when to reload", async () => {
    const store = await withHalls(await fresh());
    const v0 = await store.version();
    await store.upsert(asset("h1", "E-01"), 1_000);
    const v1 = await store.version();
    expect(v1).toBeGreaterThan(v0);
    await store.retire("h1", "E-01", 2_000);
    const v2 = await store.version();
    expect(v2).toBeGreaterThan(v1);
    await store.retire("h1", "E-01", 3_000); // nothing changed
    expect(await store.version()).toBe(v2);
    await store.setPolicy("h1", DEFAULT_INSPECTION_POLICY, "m", 4_000);
    expect(await store.version()).toBeGreaterThan(v2);
  });
});
