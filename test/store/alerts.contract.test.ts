import { expect, it } from "vitest";
import { LeaseFence } from "../../src/cluster/hall-fence.js";
import { LeaseStore } from "../../src/cluster/lease-store.js";
import type { Alert, HistoryEntry } from "../../src/core/alerts/alert.js";
import type { DeviceConditionStates } from "../../src/core/faults/types.js";
import { AlertStore } from "../../src/store/alerts.js";
import { describeEachEngine } from "../helpers/engines.js";

function alert(id: string, over: Partial<Alert> = {}): Alert {
  return {
    id,
    key: `h1/device/d1/${id}`,
    hallId: "h1",
    deviceId: "d1",
    agentId: "a1",
    kind: "kiosk",
    faultType: "paper_out",
    severity: "major",
    audience: ["floor_staff"],
    summary: { en: "Paper out", zh: "缺纸" },
    status: "open",
    openedMs: 1_000,
    raisedMs: 1_000,
    lastSeenMs: 1_000,
    count: 1,
    lastObserved: 0,
    affected: ["d1"],
    acknowledged: null,
    resolved: null,
    assignee: null,
    lastComment: null,
    flapping: false,
    reopenCount: 0,
    escalationLevel: 0,
    lastReminderMs: null,
    inMaintenance: false,
    ...over,
  };
}

const entry = (a: Alert, atMs: number, action: HistoryEntry["action"]): HistoryEntry => ({
  alertId: a.id,
  atMs,
  action,
  by: action === "acknowledged" ? "li" : null,
  fromStatus: action === "opened" ? null : "open",
  toStatus: a.status,
  detail: action === "opened" ? { observed: 0, values: { paper: 0 } } : null,
});

const ids = (r: { items: Alert[] }) => r.items.map((a) => a.id);

describeEachEngine("alert store", (fresh) => {
  it("saves an alert with its history, upserts its later states, and reads both back", async () => {
    const store = new AlertStore(await fresh());
    const opened = alert("a1", { lastObserved: "jammed", notifiedUsers: ["li", "wang"] });
    await store.save(opened, entry(opened, 1_000, "opened"));
    expect(await store.get("a1")).toEqual(opened);
    const acked = alert("a1", {
      status: "acknowledged",
      lastSeenMs: 2_000,
      count: 3,
      acknowledged: { by: "li", atMs: 2_000, comment: "on my way" },
      assignee: { username: "wang", by: "li", atMs: 2_000 },
      lastComment: { by: "li", atMs: 2_000, text: "on my way" },
      flapping: true,
      reopenCount: 2,
      escalationLevel: 1,
      lastReminderMs: 1_500,
      inMaintenance: true,
      severity: "critical",
      audience: ["floor_staff", "duty_manager"],
    });
    await store.save(acked, entry(acked, 2_000, "acknowledged"));
    await store.save({ ...acked, lastSeenMs: 2_500, lastObserved: 7 }, null);
    expect(await store.get("a1")).toEqual({ ...acked, lastSeenMs: 2_500, lastObserved: 7 });
    expect(await store.history("a1")).toEqual([
      entry(opened, 1_000, "opened"),
      entry(acked, 2_000, "acknowledged"),
    ]);
    expect(await store.get("nope")).toBeNull();
    expect(await store.history("nope")).toEqual([]);
  });

  it("keeps history in insertion order, not by time, and writes a batch in one transaction", async () => {
    const store = new AlertStore(await fresh());
    const a = alert("a1");
    const b = alert("b1", { key: "h1/device/d1/b1" });
    await store.saveBatch(
      [
        { alert: a, entry: entry(a, 5_000, "opened") },
        { alert: b, entry: entry(b, 5_000, "opened") },
        { alert: a, entry: entry(a, 4_000, "commented") },
      ],
      [{ hallId: "h1", deviceId: "d1", states: {} }],
    );
    expect((await store.history("a1")).map((h) => [h.action, h.atMs])).toEqual([
      ["opened", 5_000],
      ["commented", 4_000],
    ]);
    // A bad row (history of an alert never saved breaks the foreign key) rolls the whole batch back.
    const c = alert("c1");
    const orphan = { ...entry(c, 6_000, "opened"), alertId: "missing" };
    await expect(store.saveBatch([{ alert: c, entry: orphan }], [])).rejects.toThrow();
    expect(await store.get("c1")).toBeNull();
  });

  it("lists with every filter, newest seen first, ties by id, with the total before paging", async () => {
    const store = new AlertStore(await fresh());
    const rows = [
      alert("a", { lastSeenMs: 5_000, openedMs: 1_000 }),
      alert("b", { lastSeenMs: 5_000, openedMs: 2_000, hallId: "h2", deviceId: "d2", kind: "tv" }),
      alert("c", { lastSeenMs: 7_000, openedMs: 3_000, severity: "critical", faultType: "offline" }),
      alert("d", {
        lastSeenMs: 3_000,
        openedMs: 2_500,
        status: "acknowledged",
        audience: ["duty_manager"],
        acknowledged: { by: "li", atMs: 2_600, comment: null },
      }),
      alert("e", {
        lastSeenMs: 4_000,
        openedMs: 500,
        status: "resolved",
        hallId: "h3",
        audience: ["admin"],
        resolved: { by: "system", atMs: 4_000, reason: "cleared" },
        notifiedUsers: ["night"],
      }),
    ];
    for (const r of rows) await store.save(r, null);
    const all = { limit: 100, offset: 0 };
    expect(ids(await store.list(all))).toEqual(["c", "a", "b", "e", "d"]);
    expect(await store.list({ limit: 2, offset: 1 })).toMatchObject({ total: 5 });
    expect(ids(await store.list({ limit: 2, offset: 1 }))).toEqual(["a", "b"]);
    expect(ids(await store.list({ ...all, hallIds: ["h2", "h3"] }))).toEqual(["b", "e"]);
    expect(await store.list({ ...all, hallIds: [] })).toEqual({ items: [], total: 0 });
    expect(ids(await store.list({ ...all, deviceId: "d2" }))).toEqual(["b"]);
    expect(ids(await store.list({ ...all, kind: "tv" }))).toEqual(["b"]);
    expect(ids(await store.list({ ...all, severity: "critical" }))).toEqual(["c"]);
    expect(ids(await store.list({ ...all, faultType: "offline" }))).toEqual(["c"]);
    expect(ids(await store.list({ ...all, status: "active" }))).toEqual(["c", "a", "b", "d"]);
    expect(ids(await store.list({ ...all, status: "acknowledged" }))).toEqual(["d"]);
    expect(ids(await store.list({ ...all, status: "resolved" }))).toEqual(["e"]);
    expect(ids(await store.list({ ...all, audienceAnyOf: ["duty_manager", "admin"] }))).toEqual(["e", "d"]);
    expect(await store.list({ ...all, audienceAnyOf: [] })).toEqual({ items: [], total: 0 });
    // A person told in person sees that alert whatever the hall and audience scope.
    expect(
      ids(await store.list({ ...all, hallIds: ["h1"], audienceAnyOf: ["floor_staff"], orNotified: "night" })),
    ).toEqual(["c", "a", "e"]);
    expect(ids(await store.list({ ...all, hallIds: ["h1"], orNotified: "nobody" }))).toEqual(["c", "a", "d"]);
    // from/to: alive at some time in [from, to): not resolved before from, opened before to.
    expect(ids(await store.list({ ...all, fromMs: 4_001 }))).toEqual(["c", "a", "b", "d"]);
    expect(ids(await store.list({ ...all, fromMs: 4_000 }))).toContain("e");
    expect(ids(await store.list({ ...all, toMs: 2_000 }))).toEqual(["a", "e"]);
    expect(
      ids(await store.list({ ...all, hallIds: ["h1"], status: "active", toMs: 2_600, limit: 1 })),
    ).toEqual(["a"]);
    expect(
      (await store.list({ ...all, hallIds: ["h1"], status: "active", toMs: 2_600, limit: 1 })).total,
    ).toBe(2);
  });

  it("loads what is current: every active alert and those resolved within the flap window, oldest first", async () => {
    const store = new AlertStore(await fresh());
    const resolved = (id: string, atMs: number, openedMs: number) =>
      alert(id, { status: "resolved", openedMs, resolved: { by: "system", atMs, reason: "cleared" } });
    await store.save(alert("open", { openedMs: 3_000 }), null);
    await store.save(alert("acked", { openedMs: 1_000, status: "acknowledged" }), null);
    await store.save(resolved("recent", 9_000, 2_000), null);
    await store.save(resolved("edge", 8_000, 500), null);
    await store.save(resolved("old", 7_999, 100), null);
    expect((await store.loadCurrent(8_000)).map((a) => a.id)).toEqual(["edge", "acked", "recent", "open"]);
  });

  it("keeps the latest condition states per device", async () => {
    const store = new AlertStore(await fresh());
    expect(await store.loadConditions()).toEqual(new Map());
    const pending: DeviceConditionStates = {
      paper_out: { active: false, pendingSinceMs: 1_000, lastObserved: 0 },
    };
    const active: DeviceConditionStates = {
      paper_out: { active: true, pendingSinceMs: null, lastObserved: 0 },
    };
    await store.saveConditions("h1", "d1", pending);
    await store.saveConditions("h1", "d2", active);
    await store.saveConditions("h1", "d1", active);
    expect(await store.loadConditions()).toEqual(
      new Map([
        ["h1/d1", active],
        ["h1/d2", active],
      ]),
    );
  });

  it("loads one hall's current alerts and condition states, for a node taking that hall over", async () => {
    const store = new AlertStore(await fresh());
    await store.save(alert("a1", { openedMs: 2_000 }), null);
    await store.save(alert("a2", { hallId: "h2", key: "h2/device/d1/a2", openedMs: 1_000 }), null);
    await store.save(alert("a3", { openedMs: 1_500, status: "acknowledged" }), null);
    const states: DeviceConditionStates = {
      paper_out: { active: false, pendingSinceMs: 1_000, lastObserved: 0 },
    };
    await store.saveConditions("h1", "d1", states);
    await store.saveConditions("h2", "d1", states);
    expect((await store.loadCurrent(0, "h1")).map((a) => a.id)).toEqual(["a3", "a1"]);
    expect((await store.loadCurrent(0, "h2")).map((a) => a.id)).toEqual(["a2"]);
    expect(await store.loadConditions("h2")).toEqual(new Map([["h2/d1", states]]));
  });

  it("writes only the halls the fence lets through and names the others, in one transaction", async () => {
    const sql = await fresh();
    const store = new AlertStore(sql);
    const leases = new LeaseStore(sql);
    const nowMs = await leases.nowMs();
    await leases.acquire("h1", "node-a", nowMs, 15_000);
    await leases.acquire("h2", "node-b", nowMs, 15_000);
    const fence = new LeaseFence("node-a", (hallId) => (hallId === "h1" || hallId === "h2" ? 1 : null));
    const mine = alert("mine");
    const theirs = alert("theirs", { hallId: "h2", key: "h2/device/d1/theirs" });
    const states: DeviceConditionStates = {
      paper_out: { active: true, pendingSinceMs: null, lastObserved: 0 },
    };
    const result = await store.saveBatch(
      [
        { alert: mine, entry: entry(mine, 1_000, "opened") },
        { alert: theirs, entry: entry(theirs, 1_000, "opened") },
      ],
      [
        { hallId: "h1", deviceId: "d1", states },
        { hallId: "h2", deviceId: "d1", states },
      ],
      fence,
    );
    expect(result.refusedHalls).toEqual(["h2"]);
    expect(await store.get("mine")).not.toBeNull();
    expect(await store.get("theirs")).toBeNull();
    expect(await store.history("theirs")).toEqual([]);
    expect([...(await store.loadConditions()).keys()]).toEqual(["h1/d1"]);
    // Without a fence (one node alone) everything is written, as before.
    expect((await store.saveBatch([{ alert: theirs, entry: null }], [])).refusedHalls).toEqual([]);
    expect(await store.get("theirs")).not.toBeNull();
  });
});
