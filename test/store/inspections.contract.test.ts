import { createHash, randomBytes, randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import type { InspectionRecord } from "../../src/core/inspections/record.js";
import { HallStore } from "../../src/store/halls.js";
import { InspectionStore } from "../../src/store/inspections.js";
import type { SqlEngine } from "../../src/store/sql/engine.js";
import { describeEachEngine } from "../helpers/engines.js";

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

async function open(fresh: () => Promise<SqlEngine>): Promise<{ sql: SqlEngine; store: InspectionStore }> {
  const sql = await fresh();
  await new HallStore(sql).upsert({ id: "h1", name: "Hall 1" });
  return { sql, store: new InspectionStore(sql) };
}

describeEachEngine("inspection store", (fresh) => {
  it("reads a record back as written; missing ids are null", async () => {
    const { store } = await open(fresh);
    const written = record({ sensor: [{ item: "pressure_green", flagged: true } as never] });
    const { record: stored, actions } = await store.append(written, null, []);
    expect(actions).toEqual([]);
    expect(await store.record(stored.id)).toEqual(written);
    expect(await store.record("missing")).toBeNull();
    expect(await store.correctionOf(stored.id)).toBeNull();
    expect(await store.photo("missing")).toBeNull();
    expect(await store.action("missing")).toBeNull();
  });

  it("stores a photo and reads it back byte-identical", async () => {
    const { store } = await open(fresh);
    const bytes = Buffer.concat([Buffer.from([0, 255, 0, 39, 92, 0]), randomBytes(200_000)]);
    const { record: stored } = await store.append(record(), { mime: "image/jpeg", bytes }, []);
    expect(stored.photoId).not.toBeNull();
    expect((await store.record(stored.id))?.photoId).toBe(stored.photoId);
    const photo = await store.photo(stored.photoId as string);
    expect(photo?.mime).toBe("image/jpeg");
    expect(photo?.hallId).toBe("h1");
    expect(Buffer.isBuffer(photo?.bytes)).toBe(true);
    expect(photo?.bytes.equals(bytes)).toBe(true);
    expect(photo?.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
  });

  it("refuses any UPDATE of a record or photo and any DELETE younger than 12 months, with the store's messages", async () => {
    const { sql, store } = await open(fresh);
    const { record: stored } = await store.append(
      record(),
      { mime: "image/png", bytes: Buffer.from([1, 2, 3]) },
      [],
    );
    await expect(
      sql.run("UPDATE inspection_records SET passed = 1 WHERE id = ?", [stored.id]),
    ).rejects.toThrow(/inspection records are append-only: write a correction instead/);
    await expect(sql.run("DELETE FROM inspection_records WHERE id = ?", [stored.id])).rejects.toThrow(
      /inspection records are kept at least 12 months/,
    );
    await expect(sql.run("UPDATE inspection_photos SET mime = 'x'")).rejects.toThrow(
      /inspection photos are append-only/,
    );
    await expect(sql.run("DELETE FROM inspection_photos")).rejects.toThrow(/at least 12 months/);
    expect(await store.record(stored.id)).toMatchObject({ passed: false, note: "gauge in the red" });
  });

  it("a record is corrected at most once, by a new record pointing at it; a second correction writes nothing", async () => {
    const { store } = await open(fresh);
    const original = (await store.append(record(), null, [])).record;
    const correction = await store.append(
      record({ correctsId: original.id, passed: true, failedItems: [], results: { located: "pass" } }),
      null,
      [],
    );
    expect((await store.correctionOf(original.id))?.id).toBe(correction.record.id);
    const again = record({ correctsId: original.id });
    await expect(
      store.append(again, { mime: "image/png", bytes: Buffer.from([9]) }, [
        { item: "located", alertId: null },
      ]),
    ).rejects.toThrow(/UNIQUE/);
    expect(await store.record(again.id)).toBeNull();
    expect(await store.actions({ hallId: "h1" })).toEqual([]);
    expect((await store.record(original.id))?.passed).toBe(false);
    // The correction itself can be corrected (a chain).
    const third = await store.append(record({ correctsId: correction.record.id }), null, []);
    expect((await store.correctionOf(correction.record.id))?.id).toBe(third.record.id);
  });

  it("opens corrective actions with the record; an action closes once and never changes otherwise", async () => {
    const { sql, store } = await open(fresh);
    const { record: stored, actions } = await store.append(record({ recordedMs: 5_000 }), null, [
      { item: "pressure_green", alertId: "alert-1" },
      { item: "located", alertId: null },
    ]);
    expect(actions.map((a) => a.item).sort()).toEqual(["located", "pressure_green"]);
    expect(actions.find((a) => a.item === "pressure_green")).toMatchObject({
      hallId: "h1",
      assetId: "E-01",
      recordId: stored.id,
      alertId: "alert-1",
      openedMs: 5_000,
      openedBy: "guard",
      closed: null,
    });
    const id = actions[0]?.id as string;
    await expect(sql.run("UPDATE corrective_actions SET item = 'x' WHERE id = ?", [id])).rejects.toThrow(
      /a corrective action can only be closed, once/,
    );
    await expect(sql.run("DELETE FROM corrective_actions WHERE id = ?", [id])).rejects.toThrow(/kept/);
    expect((await store.close(id, "fixer", "recharged", 9_000))?.closed).toEqual({
      atMs: 9_000,
      by: "fixer",
      note: "recharged",
    });
    expect(await store.close(id, "fixer", "again", 10_000)).toBeNull();
    expect(await store.close("missing", "fixer", "x", 10_000)).toBeNull();
    await expect(
      sql.run("UPDATE corrective_actions SET close_note = 'rewritten' WHERE id = ?", [id]),
    ).rejects.toThrow(/closed, once/);
    expect((await store.action(id))?.closed?.note).toBe("recharged");
    expect((await store.actions({ hallId: "h1", open: true })).map((a) => a.id)).toEqual(
      actions.filter((a) => a.id !== id).map((a) => a.id),
    );
    expect((await store.actions({ hallId: "h1", open: false })).map((a) => a.id)).toEqual([id]);
  });

  it("lists records by time range and period, oldest first, and actions by asset and record", async () => {
    const { sql, store } = await open(fresh);
    await new HallStore(sql).upsert({ id: "h2", name: "Hall 2" });
    const at = (inspectedMs: number, extra: Partial<InspectionRecord> = {}) =>
      store.append(record({ inspectedMs, recordedMs: inspectedMs, ...extra }), null, [
        { item: "pressure_green", alertId: null },
      ]);
    const a = await at(3_000, { periodKey: "p2" });
    const b = await at(1_000, { periodKey: "p1" });
    const c = await at(2_000, { periodKey: "p1", assetId: "E-02" });
    const late = await at(1_500, { periodKey: "p1", recordedMs: 50_000, correctsId: b.record.id });
    await at(2_500, { periodKey: "p1", hallId: "h2" });
    const ids = (rs: InspectionRecord[]) => rs.map((r) => r.id);
    expect(ids(await store.records({ hallId: "h1" }))).toEqual(
      ids([b.record, late.record, c.record, a.record]),
    );
    expect(ids(await store.records({ hallId: "h1", fromMs: 1_500, toMs: 3_000 }))).toEqual(
      ids([late.record, c.record]),
    );
    expect(ids(await store.records({ hallId: "h1", assetId: "E-02" }))).toEqual([c.record.id]);
    expect(ids(await store.records({ hallId: "h1", limit: 2 }))).toEqual(ids([b.record, late.record]));
    expect(ids(await store.recordsForPeriods("h1", ["p1"]))).toEqual(ids([b.record, late.record, c.record]));
    expect(ids(await store.recordsForPeriods("h1", ["p1", "p2", "p9"]))).toHaveLength(4);
    expect(await store.recordsForPeriods("h1", [])).toEqual([]);
    expect((await store.actions({ hallId: "h1", assetId: "E-02" })).map((x) => x.recordId)).toEqual([
      c.record.id,
    ]);
    expect(
      (await store.actions({ hallId: "h1", recordIds: [a.record.id, b.record.id] })).map((x) => x.recordId),
    ).toEqual([b.record.id, a.record.id]);
    expect(await store.actions({ hallId: "h1", recordIds: [] })).toEqual([]);
    expect(await store.actions({ hallId: "h2", recordIds: [a.record.id] })).toEqual([]);
  });

  it("retention removes only what is older than the retention period, never younger than 366 days", async () => {
    const { sql, store } = await open(fresh);
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
    expect(await store.purgeOlderThan(400, nowMs)).toEqual({ records: 1, photos: 0, actions: 0 });
    expect(await store.record(twoYears.id)).toBeNull();
    for (const kept of [chainStart, chainMiddle, withOpenAction, yearOld, young])
      expect(await store.record(kept.id)).not.toBeNull();
    await expect(sql.run("DELETE FROM inspection_records WHERE id = ?", [young.id])).rejects.toThrow(
      /12 months/,
    );
  });

  it("raises its version on every append and close", async () => {
    const { store } = await open(fresh);
    const v0 = await store.version();
    const { actions } = await store.append(record(), null, [{ item: "located", alertId: null }]);
    const v1 = await store.version();
    expect(v1).toBeGreaterThan(v0);
    await store.close(actions[0]?.id as string, "fixer", "ok", 1);
    expect(await store.version()).toBeGreaterThan(v1);
  });
});
