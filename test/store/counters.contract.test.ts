import { expect, it } from "vitest";
import { CounterStore } from "../../src/store/counters.js";
import { describeEachEngine } from "../helpers/engines.js";
import { fillable } from "../helpers/failing-engine.js";

describeEachEngine("counters", (fresh) => {
  it("loads nothing from an empty store, then what was saved, as numbers past 32 bits", async () => {
    const store = new CounterStore(await fresh());
    expect(await store.load()).toEqual(new Map());
    await store.saveAll(new Map());
    await store.saveAll(
      new Map([
        ["dead_letters.bad_json", 3],
        ["big", 2 ** 40 + 1],
      ]),
    );
    const loaded = await store.load();
    expect(loaded).toEqual(
      new Map([
        ["dead_letters.bad_json", 3],
        ["big", 2 ** 40 + 1],
      ]),
    );
    expect(typeof loaded.get("big")).toBe("number");
  });

  it("keeps the latest totals of one process across saves and restarts", async () => {
    const sql = await fresh();
    const first = new CounterStore(sql);
    await first.load();
    await first.saveAll(new Map([["a", 1]]));
    await first.saveAll(
      new Map([
        ["a", 4],
        ["b", 2],
      ]),
    );
    await first.saveAll(
      new Map([
        ["a", 4],
        ["b", 2],
      ]),
    );
    expect(await new CounterStore(sql).load()).toEqual(
      new Map([
        ["a", 4],
        ["b", 2],
      ]),
    );
    // A restart: the new process goes on from what it loaded.
    const restarted = new CounterStore(sql);
    const counts = await restarted.load();
    counts.set("a", (counts.get("a") ?? 0) + 3);
    await restarted.saveAll(counts);
    expect(await new CounterStore(sql).load()).toEqual(
      new Map([
        ["a", 7],
        ["b", 2],
      ]),
    );
  });

  it("adds what each node counted, so two nodes on one database do not overwrite each other's counts", async () => {
    const sql = await fresh();
    await new CounterStore(sql).saveAll(new Map([["dead_letters.bad_json", 10]]));
    const nodeA = new CounterStore(sql);
    const nodeB = new CounterStore(sql);
    const a = await nodeA.load();
    const b = await nodeB.load();
    a.set("dead_letters.bad_json", (a.get("dead_letters.bad_json") ?? 0) + 2);
    b.set("dead_letters.bad_json", (b.get("dead_letters.bad_json") ?? 0) + 5);
    b.set("dead_letters.bad_topic", 1);
    await nodeA.saveAll(a);
    await nodeB.saveAll(b);
    a.set("dead_letters.bad_json", (a.get("dead_letters.bad_json") ?? 0) + 1);
    await nodeA.saveAll(a);
    expect(await new CounterStore(sql).load()).toEqual(
      new Map([
        ["dead_letters.bad_json", 18],
        ["dead_letters.bad_topic", 1],
      ]),
    );
  });

  it("counts once what was saved by overlapping calls, and writes what a failed save held with the next one", async () => {
    const sql = fillable(await fresh());
    const store = new CounterStore(sql);
    await store.load();
    const counts = new Map([["x", 1]]);
    const first = store.saveAll(counts);
    counts.set("x", 3); // changed while the first save is written: the first writes 1, the second the 2 more
    const second = store.saveAll(counts);
    await Promise.all([first, second]);
    expect(await new CounterStore(sql).load()).toEqual(new Map([["x", 3]]));
    sql.full = true;
    await expect(store.saveAll(new Map([["x", 5]]))).rejects.toThrow(/full/);
    sql.full = false;
    await store.saveAll(new Map([["x", 6]]));
    expect(await new CounterStore(sql).load()).toEqual(new Map([["x", 6]]));
  });
});
