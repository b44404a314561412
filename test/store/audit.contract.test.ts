import { expect, it } from "vitest";
import { type AuditEntry, AuditLog } from "../../src/store/audit.js";
import { describeEachEngine } from "../helpers/engines.js";
import { fillable } from "../helpers/failing-engine.js";

const T0 = 1_764_547_200_000;

const entry = (n: number, over: Partial<AuditEntry> = {}): AuditEntry => ({
  atMs: T0 + n,
  actor: "admin",
  action: `action_${n}`,
  target: `t${n}`,
  before: undefined,
  after: undefined,
  ip: "10.0.0.1",
  ...over,
});

describeEachEngine("the audit log", (fresh) => {
  it("lists newest first by id (not by time or text), with before and after as JSON", async () => {
    const audit = new AuditLog(await fresh());
    // Ids 1..12: newest first is 12, 11, …, 2, 1 (a text sort would put "9" before "12", a time sort 1 first).
    for (let n = 1; n <= 12; n++) await audit.record(entry(n, { atMs: T0 - n }));
    await audit.record(
      entry(13, {
        before: { roles: ["viewer"] },
        after: { roles: ["admin"], n: 1.5 },
        target: null,
        ip: null,
      }),
    );
    const all = await audit.list({ limit: 100 });
    expect(all.map((e) => e.action)).toEqual(Array.from({ length: 13 }, (_, i) => `action_${13 - i}`));
    expect(all[0]).toEqual({
      id: all[0]!.id,
      atMs: T0 + 13,
      actor: "admin",
      action: "action_13",
      target: null,
      before: { roles: ["viewer"] },
      after: { roles: ["admin"], n: 1.5 },
      ip: null,
    });
    expect(all[1]).toMatchObject({ before: null, after: null, target: "t12", ip: "10.0.0.1" });
    expect(typeof all[0]!.id).toBe("number");
    const ids = all.map((e) => e.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
  });

  it("pages with limit and beforeId, filters by actor, target and action prefix", async () => {
    const audit = new AuditLog(await fresh());
    await audit.record(entry(1, { actor: "ana", action: "device_retired", target: "h1/d1" }));
    await audit.record(entry(2, { actor: "bo", action: "device_changed", target: "h1/d1" }));
    await audit.record(entry(3, { actor: "ana", action: "login", target: null }));
    await audit.record(entry(4, { actor: "ana", action: "Device_x", target: "h1/d1" }));
    await audit.record(entry(5, { actor: "ana", action: "device_changed", target: "h1/d2" }));
    const page1 = await audit.list({ limit: 2 });
    expect(page1.map((e) => e.atMs)).toEqual([T0 + 5, T0 + 4]);
    const page2 = await audit.list({ limit: 2, beforeId: page1[1]!.id });
    expect(page2.map((e) => e.atMs)).toEqual([T0 + 3, T0 + 2]);
    expect((await audit.list({ limit: 10, actor: "ana" })).map((e) => e.atMs)).toEqual([
      T0 + 5,
      T0 + 4,
      T0 + 3,
      T0 + 1,
    ]);
    expect(
      (await audit.list({ limit: 10, target: "h1/d1", actionPrefix: "device_" })).map((e) => e.action),
    ).toEqual(["device_changed", "device_retired"]);
    expect((await audit.list({ limit: 10, actionPrefix: "device%" })).length).toBe(0);
    expect(await audit.list({ limit: 10, actor: "nobody" })).toEqual([]);
  });

  it("keeps entries the store refuses, in order, and writes them when it takes writes again", async () => {
    const sql = fillable(await fresh());
    const failures: unknown[] = [];
    const audit = new AuditLog(sql, (err) => failures.push(err));
    await audit.record(entry(1));
    sql.full = true;
    await audit.record(entry(2));
    await audit.record(entry(3));
    expect(audit.pending).toBe(2);
    expect(failures.length).toBeGreaterThan(0);
    expect((await audit.list({ limit: 10 })).map((e) => e.atMs)).toEqual([T0 + 1]);
    sql.full = false;
    await audit.flushUnsaved();
    expect(audit.pending).toBe(0);
    expect((await audit.list({ limit: 10 })).map((e) => e.atMs)).toEqual([T0 + 3, T0 + 2, T0 + 1]);
    // Records made without awaiting are written in order.
    sql.full = true;
    void audit.record(entry(4));
    sql.full = false;
    void audit.record(entry(5));
    void audit.record(entry(6));
    expect((await audit.list({ limit: 3 })).map((e) => e.atMs)).toEqual([T0 + 6, T0 + 5, T0 + 4]);
  });
});
