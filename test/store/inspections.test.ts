import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { InspectionRecord } from "../../src/core/inspections/record.js";
import { type Db, openDatabase } from "../../src/store/database.js";
import { HallStore } from "../../src/store/halls.js";
import { InspectionStore } from "../../src/store/inspections.js";

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
    store = new InspectionStore(db);
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses any UPDATE or DELETE of a record or photo, even by raw SQL", () => {
    const { record: stored, actions } = store.append(
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
    expect(store.record(stored.id)).toMatchObject({ passed: false, note: "gauge in the red" });
    expect(store.photo(stored.photoId!)?.bytes).toEqual(Buffer.from([1, 2, 3]));
  });

  it("a record is corrected at most once, by a new record pointing at it", () => {
    const original = store.append(record(), null, []).record;
    const correction = store.append(
      record({ correctsId: original.id, passed: true, failedItems: [] }),
      null,
      [],
    );
    expect(store.correctionOf(original.id)?.id).toBe(correction.record.id);
    expect(() => store.append(record({ correctsId: original.id }), null, [])).toThrow(/UNIQUE/);
    expect(store.record(original.id)?.passed).toBe(false);
  });

  it("a corrective action closes once and never changes otherwise", () => {
    const { actions } = store.append(record(), null, [{ item: "pressure_green", alertId: null }]);
    const id = actions[0]!.id;
    expect(() => db.prepare("UPDATE corrective_actions SET item = 'located' WHERE id = ?").run(id)).toThrow(
      /closed, once/,
    );
    expect(() => db.prepare("DELETE FROM corrective_actions WHERE id = ?").run(id)).toThrow(/kept/);
    expect(store.close(id, "fixer", "recharged", Date.now())?.closed).toMatchObject({ by: "fixer" });
    expect(store.close(id, "fixer", "again", Date.now())).toBeNull();
    expect(() =>
      db.prepare("UPDATE corrective_actions SET close_note = 'rewritten' WHERE id = ?").run(id),
    ).toThrow(/closed, once/);
    expect(store.action(id)?.closed?.note).toBe("recharged");
  });

  it("retention removes only what is older than the retention period, never younger than 366 days", () => {
    const nowMs = Date.now();
    const old = (days: number, extra: Partial<InspectionRecord> = {}) =>
      store.append(
        record({ recordedMs: nowMs - days * DAY, inspectedMs: nowMs - days * DAY, ...extra }),
        null,
        [],
      ).record;
    const twoYears = old(730);
    const chainStart = old(800);
    const chainMiddle = old(790, { correctsId: chainStart.id });
    old(10, { correctsId: chainMiddle.id }); // a young correction keeps its whole chain
    const withOpenAction = store.append(
      record({ recordedMs: nowMs - 700 * DAY, inspectedMs: nowMs - 700 * DAY }),
      null,
      [{ item: "pressure_green", alertId: null }],
    ).record;
    const yearOld = old(380);
    const young = old(100);

    expect(() => store.purgeOlderThan(365, nowMs)).toThrow(/at least 366/);
    const removed = store.purgeOlderThan(400, nowMs);
    expect(removed.records).toBe(1);
    expect(store.record(twoYears.id)).toBeNull();
    for (const kept of [chainStart, chainMiddle, withOpenAction, yearOld, young])
      expect(store.record(kept.id)).not.toBeNull();

    // What the retention trigger protects, raw SQL cannot remove either.
    expect(() => db.prepare("DELETE FROM inspection_records WHERE id = ?").run(young.id)).toThrow(
      /12 months/,
    );
  });
});
