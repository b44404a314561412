import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import type { RosterInput } from "../../src/core/rosters/index.js";
import { RosterStore } from "../../src/store/rosters.js";
import { describeEachEngine } from "../helpers/engines.js";

const feedKey = randomBytes(32);
const NOW = Date.parse("2026-12-01T08:00:00Z");

const roster = (name: string, hallIds = ["h1"]): RosterInput => ({
  name,
  hallIds,
  timeZone: "Asia/Shanghai",
  shifts: [
    { weekdays: [1, 2, 3, 4, 5], start: "08:00", end: "20:00", role: "security", usernames: ["lena"] },
  ],
  overrides: [{ date: "2026-12-02", role: "security", usernames: ["otto"], note: "cover" }],
  swaps: [{ date: "2026-12-03", from: "lena", to: "otto" }],
});

describeEachEngine("the roster store", (fresh) => {
  it("creates a roster with ids for it and its items, reads it back, and answers null for a missing one", async () => {
    const store = new RosterStore(await fresh(), feedKey);
    expect(await store.list()).toEqual([]);
    expect(await store.get("nope")).toBeNull();
    const saved = await store.save(roster("Guards"), "kai", NOW);
    expect(saved).toMatchObject({ name: "Guards", hallIds: ["h1"], updatedMs: NOW, updatedBy: "kai" });
    expect(saved.shifts[0]?.id).toEqual(expect.any(String));
    expect(saved.overrides[0]?.id).toEqual(expect.any(String));
    expect(saved.swaps[0]?.id).toEqual(expect.any(String));
    expect(await store.get(saved.id)).toEqual(saved);
    expect(await store.list()).toEqual([saved]);
  });

  it("replaces a roster by id, keeping the ids of its items, and lists rosters by name then id", async () => {
    const store = new RosterStore(await fresh(), feedKey);
    const b = await store.save(roster("b-roster"), "kai", NOW);
    const a = await store.save(roster("A-roster"), "kai", NOW);
    const c = await store.save(roster("a-roster"), "kai", NOW);
    const changed = await store.save(
      { ...RosterStore.asInput(b), name: "B-roster", hallIds: ["h1", "h2"] },
      "otto",
      NOW + 1000,
      b.id,
    );
    expect(changed.id).toBe(b.id);
    expect(changed.shifts.map((s) => s.id)).toEqual(b.shifts.map((s) => s.id));
    expect(await store.get(b.id)).toMatchObject({
      name: "B-roster",
      hallIds: ["h1", "h2"],
      updatedBy: "otto",
    });
    // Byte order, the same on both engines whatever PostgreSQL's collation.
    expect((await store.list()).map((r) => r.name)).toEqual(["A-roster", "B-roster", "a-roster"]);
    expect((await store.list()).map((r) => r.id)).toEqual([a.id, b.id, c.id]);
  });

  it("marks a removed roster deleted: gone from list and get, returned once, null for a missing one", async () => {
    const store = new RosterStore(await fresh(), feedKey);
    const kept = await store.save(roster("kept"), "kai", NOW);
    const gone = await store.save(roster("gone"), "kai", NOW);
    expect(await store.remove(gone.id, NOW + 1)).toEqual(gone);
    expect(await store.remove(gone.id, NOW + 2)).toBeNull();
    expect(await store.remove("nope", NOW)).toBeNull();
    expect(await store.get(gone.id)).toBeNull();
    expect(await store.list()).toEqual([kept]);
  });

  it("gives each person one feed token until rotated; the token opens only its owner's feed", async () => {
    const store = new RosterStore(await fresh(), feedKey);
    expect(await store.feedOwner("no-such-token")).toBeNull();
    const lena = await store.feedToken("lena", NOW);
    expect(lena).toMatch(/^[A-Za-z0-9_-]{32,64}$/);
    expect(await store.feedToken("lena", NOW + 1)).toBe(lena);
    const otto = await store.feedToken("otto", NOW);
    expect(otto).not.toBe(lena);
    expect(await store.feedOwner(lena)).toBe("lena");
    expect(await store.feedOwner(otto)).toBe("otto");
    const rotated = await store.rotateFeedToken("lena", NOW + 2);
    expect(rotated).not.toBe(lena);
    expect(await store.feedOwner(lena)).toBeNull();
    expect(await store.feedOwner(rotated)).toBe("lena");
    expect(await store.feedToken("lena", NOW + 3)).toBe(rotated);
  });

  it("gives one token to first calls made at once (two tabs, two nodes)", async () => {
    const sql = await fresh();
    const store = new RosterStore(sql, feedKey);
    // Open several pooled connections first (PostgreSQL), so the calls below really overlap.
    await Promise.all([1, 2, 3, 4].map(() => sql.all("SELECT 1 AS warm")));
    const tokens = await Promise.all([1, 2, 3, 4].map((i) => store.feedToken("lena", NOW + i)));
    expect(new Set(tokens).size).toBe(1);
    expect(await store.feedOwner(tokens[0] ?? "")).toBe("lena");
  });

  it("keeps only a hash of the feed token at rest, and another key opens nothing", async () => {
    const sql = await fresh();
    const store = new RosterStore(sql, feedKey);
    const token = await store.feedToken("lena", NOW);
    const rows = await sql.all<Record<string, unknown>>("SELECT * FROM calendar_feeds");
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(await new RosterStore(sql, randomBytes(32)).feedToken("lena", NOW)).not.toBe(token);
  });
});
