import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { InspectionRecord } from "../../src/core/inspections/record.js";
import { type Db, openDatabase } from "../../src/store/database.js";
import { HallStore } from "../../src/store/halls.js";
import { InspectionStore } from "../../src/store/inspections.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";

const DAY = 86_400_000;

function record(overrides: Partial<InspectionRecord> = {}): InspectionRecord {
  const nowMs = Date.now();
  return {
    id: randomUUID(),
    hallId: "h1",
    assetId: "E-01",
    periodKey: "2026-11-23",
    inspectedMs: nowMs,
    recordedMs: nowMs,
    inspector: "guard",
    results: { located: "pass", pressure_green: "fail" },
    failedItems: ["pressure_green"],
    passed: false,
    note: "gauge in the red",
    photoId: null,
    sensor: [],
    correctsId: null,
    ...overrides,
  };
}

describe("inspection records at the database level", () => {
  let dir: string;
  let db: Db;
  let store: InspectionStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "hallwatch-inspections-"));
    db = openDatabase(join(dir, "hallwatch.db"));
    await HallStore.onSqlite(db).upsert({ id: "h1", name: "Hall 1" });
    store = new InspectionStore(new SqliteEngine(db));
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses any UPDATE or DELETE of a record or photo, even by raw SQL", async () => {
    const { record: stored, actions } = await store.append(
      record(),
      { mime: "image/png", bytes: Buffer.from([1, 2, 3]) },
      [{ item: "pressure_green", alertId: null }],
    );
    expect(actions).toHaveLength(1);
    expect(() => db.prepare("UPDATE inspection_records SET passed = 1 WHERE id = ?").run(stored.id)).toThrow(
      /append-only/,
    );
    expect(() => db.prepare("UPDATE inspection_records SET note = 'nothing' ").run()).toThrow(/append-only/);
    expect(() => db.prepare("DELETE FROM inspection_records WHERE id = ?").run(stored.id)).toThrow(
      /at least 12 months/,
    );
    expect(() => db.prepare("DELETE FROM inspection_photos").run()).toThrow(/at least 12 months/);
    expect(() => db.prepare("UPDATE inspection_photos SET mime = 'x'").run()).toThrow(/append-only/);
    expect(await store.record(stored.id)).toMatchObject({ passed: false, note: "gauge in the red" });
    expect((await store.photo(stored.photoId!))?.bytes).toEqual(Buffer.from([1, 2, 3]));
  });

  it("a record is corrected at most once, by a new record pointing at it", async () => {
    const original = (await store.append(record(), null, [])).record;
    const correction = await store.append(
      record({ correctsId: original.id, passed: true, failedItems: [] }),
      null,
      [],
    );
    expect((await store.correctionOf(original.id))?.id).toBe(correction.record.id);
    await expect(store.append(record({ correctsId: original.id }), null, [])).rejects.toThrow(/UNIQUE/);
    expect((await store.record(original.id))?.passed).toBe(false);
  });

  it("a corrective action closes once and never changes otherwise", async () => {
    const { actions } = await store.append(record(), null, [{ item: "pressure_green", alertId: null }]);
    const id = actions[0]!.id;
    expect(() => db.prepare("UPDATE corrective_actions SET item = 'located' WHERE id = ?").run(id)).toThrow(
      /closed, once/,
    );
    expect(() => db.prepare("DELETE FROM corrective_actions WHERE id = ?").run(id)).toThrow(/kept/);
    expect((await store.close(id, "fixer", "recharged", Date.now()))?.closed).toMatchObject({ by: "fixer" });
    expect(await store.close(id, "fixer", "again", Date.now())).toBeNull();
    expect(() =>
      db.prepare("UPDATE corrective_actions SET close_note = 'rewritten' WHERE id = ?").run(id),
    ).toThrow(/closed, once/);
    expect((await store.action(id))?.closed?.note).toBe("recharged");
  });

  it("retention removes only what is older than the retention period, never younger than 366 days", async () => {
    const nowMs = Date.now();
    const old = async (days: number, extra: Partial<InspectionRecord> = {}) =>
      (
        await store.append(
          record({ recordedMs: nowMs - days * DAY, inspectedMs: nowMs - days * DAY, ...extra }),
          null,
          [],
        )
      ).record;
    const twoYears = await old(730);
    const chainStart = await old(800);
    const chainMiddle = await old(790, { correctsId: chainStart.id });
    await old(10, { correctsId: chainMiddle.id }); // a young correction keeps its whole chain
    const withOpenAction = (
      await store.append(record({ recordedMs: nowMs - 700 * DAY, inspectedMs: nowMs - 700 * DAY }), null, [
        { item: "pressure_green", alertId: null },
      ])
    ).record;
    const yearOld = await old(380);
    const young = await old(100);

    await expect(store.purgeOlderThan(365, nowMs)).rejects.toThrow(/at least 366/);
    const removed = await store.purgeOlderThan(400, nowMs);
    expect(removed.records).toBe(1);
    expect(await store.record(twoYears.id)).toBeNull();
    for (const kept of [chainStart, chainMiddle, withOpenAction, yearOld, young])
      expect(await store.record(kept.id)).not.toBeNull();

    // What the retention trigger protects, raw SQL cannot remove either.
    expect(() => db.prepare("DELETE FROM inspection_records WHERE id = ?").run(young.id)).toThrow(
      /12 months/,
    );
  });
});
