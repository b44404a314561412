import { expect, it } from "vitest";
import { type DeadLetter, DeadLetterStore } from "../../src/store/dead-letters.js";
import { describeEachEngine } from "../helpers/engines.js";

const T0 = 1_764_547_200_000;

const letter = (n: number, over: Partial<DeadLetter> = {}): DeadLetter => ({
  receivedMs: T0 + n,
  reason: "bad_json",
  topic: `hallwatch/v1/h1/a1/telemetry/d${n}`,
  payloadSample: `{not json ${n}`,
  payloadBytes: 100 + n,
  detail: `detail ${n}`,
  ...over,
});

describeEachEngine("dead letters", (fresh) => {
  it("lists newest first by id, with every field under its own name", async () => {
    const store = new DeadLetterStore(await fresh());
    // Ids 1..12 with times going backwards: newest first is by id, not by time or by text.
    await store.saveBatch(Array.from({ length: 12 }, (_, i) => letter(i + 1, { receivedMs: T0 - i })));
    const all = await store.recent({ limit: 100 });
    expect(all.map((l) => l.topic)).toEqual(
      Array.from({ length: 12 }, (_, i) => `hallwatch/v1/h1/a1/telemetry/d${12 - i}`),
    );
    expect(all[0]).toEqual({ id: all[0]!.id, ...letter(12, { receivedMs: T0 - 11 }) });
    expect(typeof all[0]!.id).toBe("number");
    const ids = all.map((l) => l.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    expect(new Set(ids).size).toBe(12);
  });

  it("filters by reason and pages with limit and beforeId, each alone and together", async () => {
    const store = new DeadLetterStore(await fresh());
    await store.saveBatch([
      letter(1),
      letter(2, { reason: "schema_mismatch" }),
      letter(3),
      letter(4, { reason: "schema_mismatch" }),
      letter(5),
    ]);
    const all = await store.recent({ limit: 10 });
    const idOf = (n: number) => all.find((l) => l.receivedMs === T0 + n)!.id;
    const times = (ls: { receivedMs: number }[]) => ls.map((l) => l.receivedMs - T0);
    expect(times(all)).toEqual([5, 4, 3, 2, 1]);
    expect(times(await store.recent({ limit: 2 }))).toEqual([5, 4]);
    expect(times(await store.recent({ limit: 2, beforeId: idOf(4) }))).toEqual([3, 2]);
    expect(times(await store.recent({ limit: 10, reason: "bad_json" }))).toEqual([5, 3, 1]);
    expect(times(await store.recent({ limit: 1, reason: "bad_json", beforeId: idOf(5) }))).toEqual([3]);
    expect(times(await store.recent({ limit: 10, reason: "schema_mismatch", beforeId: idOf(4) }))).toEqual([
      2,
    ]);
    expect(await store.recent({ limit: 10, reason: "unknown_agent" })).toEqual([]);
    expect(await store.recent({ limit: 10, beforeId: idOf(1) })).toEqual([]);
    // Undefined filters are no filters (the route passes its parsed query as it is).
    expect(times(await store.recent({ limit: 10, reason: undefined, beforeId: undefined }))).toEqual([
      5, 4, 3, 2, 1,
    ]);
  });

  it("keeps the newest maxRows letters, pruning the oldest as batches come", async () => {
    const store = new DeadLetterStore(await fresh(), 3);
    await store.saveBatch([]);
    expect(await store.recent({ limit: 10 })).toEqual([]);
    await store.saveBatch([letter(1), letter(2)]);
    await store.saveBatch([letter(3), letter(4), letter(5)]);
    expect((await store.recent({ limit: 10 })).map((l) => l.detail)).toEqual([
      "detail 5",
      "detail 4",
      "detail 3",
    ]);
    await store.saveBatch([letter(6)]);
    expect((await store.recent({ limit: 10 })).map((l) => l.detail)).toEqual([
      "detail 6",
      "detail 5",
      "detail 4",
    ]);
  });

  it("writes the batch as it was when saveBatch was called, and a large one whole", async () => {
    const store = new DeadLetterStore(await fresh());
    const batch = [letter(1)];
    const saving = store.saveBatch(batch);
    batch[0]!.detail = "changed";
    batch.push(letter(2));
    await saving;
    expect(await store.recent({ limit: 10 })).toEqual([{ id: expect.any(Number), ...letter(1) }]);
    await store.saveBatch(Array.from({ length: 1_000 }, (_, i) => letter(i + 2)));
    const recent = await store.recent({ limit: 500 });
    expect(recent).toHaveLength(500);
    expect(recent[0]).toMatchObject(letter(1_001));
  });
});
