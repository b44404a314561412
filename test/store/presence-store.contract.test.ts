import { expect, it } from "vitest";
import { LeaseFence } from "../../src/cluster/hall-fence.js";
import { LeaseStore } from "../../src/cluster/lease-store.js";
import type { AgentState, DeviceState } from "../../src/core/presence/types.js";
import { DeviceStateWrites } from "../../src/store/device-state-writes.js";
import { PresenceStore } from "../../src/store/presence-store.js";
import { describeEachEngine } from "../helpers/engines.js";

const T0 = 1_764_547_200_000;

const device = (id: string, over: Partial<DeviceState> = {}): DeviceState => ({
  hallId: "h1",
  deviceId: id,
  agentId: "a1",
  kind: "kiosk",
  model: "K-1",
  zone: "lobby",
  name: null,
  reportIntervalSec: 10,
  connectivity: "online",
  connectivitySinceMs: T0,
  connectivityReason: "birth",
  lastSeenMs: T0 + 1,
  values: { appOk: true, printerState: "ok", cpuPct: 12.5, memPct: 40, diskPct: 71 },
  valuesTsMs: T0 + 1,
  retired: false,
  labelName: null,
  labelZone: null,
  ...over,
});

const agent = (id: string, over: Partial<AgentState> = {}): AgentState => ({
  hallId: "h1",
  agentId: id,
  session: 3,
  connectivity: "online",
  connectivitySinceMs: T0,
  lastSeq: null,
  lostMessages: 2,
  duplicateMessages: 1,
  version: "1.4.0",
  platform: "linux",
  hostname: "hall-pc",
  deviceIds: ["d1", "d2"],
  lastBirthMs: T0,
  ...over,
});

const byId = (devices: DeviceState[]) => new Map(devices.map((d) => [`${d.hallId}/${d.deviceId}`, d]));

describeEachEngine("presence store", (fresh) => {
  it("upserts devices and gives them back whole, values, labels and retirement included", async () => {
    const store = new PresenceStore(await fresh());
    await store.save(
      [device("d1"), device("d2", { values: null, valuesTsMs: null, lastSeenMs: null })],
      [],
      [],
    );
    await store.save(
      [
        device("d1", {
          connectivity: "offline",
          connectivityReason: "silence",
          connectivitySinceMs: T0 + 50,
          retired: true,
          labelName: "Front kiosk",
          labelZone: "entrance",
          name: "kiosk one",
        }),
      ],
      [],
      [],
    );
    const stored = byId(await store.loadDevices());
    expect(stored.size).toBe(2);
    expect(stored.get("h1/d1")).toEqual(
      device("d1", {
        connectivity: "offline",
        connectivityReason: "silence",
        connectivitySinceMs: T0 + 50,
        retired: true,
        labelName: "Front kiosk",
        labelZone: "entrance",
        name: "kiosk one",
      }),
    );
    expect(stored.get("h1/d2")).toEqual(device("d2", { values: null, valuesTsMs: null, lastSeenMs: null }));
    expect(typeof stored.get("h1/d1")?.connectivitySinceMs).toBe("number");
  });

  it("upserts agents and gives them back with no sequence baseline", async () => {
    const store = new PresenceStore(await fresh());
    await store.save([], [agent("a1"), agent("a2", { session: null, version: null, deviceIds: [] })], []);
    await store.save([], [agent("a1", { session: 4, lostMessages: 9, lastSeq: 77, deviceIds: ["d3"] })], []);
    const agents = new Map((await store.loadAgents()).map((a) => [a.agentId, a]));
    expect(agents.get("a1")).toEqual(agent("a1", { session: 4, lostMessages: 9, deviceIds: ["d3"] }));
    expect(agents.get("a2")).toEqual(agent("a2", { session: null, version: null, deviceIds: [] }));
  });

  it("opens and closes connectivity intervals, and answers the history of a time range", async () => {
    const store = new PresenceStore(await fresh());
    const d1 = device("d1");
    await store.save([d1], [], [{ device: d1, to: "online", reason: "birth", atMs: T0 }]);
    await store.save([], [], [{ device: d1, to: "offline", reason: "silence", atMs: T0 + 100 }]);
    await store.save(
      [],
      [],
      [
        { device: d1, to: "online", reason: "data", atMs: T0 + 300 },
        { device: device("d2"), to: "online", reason: "birth", atMs: T0 + 10 },
        { device: device("d1", { hallId: "h2" }), to: "offline", reason: "silence", atMs: T0 + 20 },
      ],
    );
    const all = await store.connectivityHistory("h1", "d1", T0 - 1000, T0 + 1000);
    expect(all).toEqual([
      { hallId: "h1", deviceId: "d1", connectivity: "online", reason: "birth", startMs: T0, endMs: T0 + 100 },
      {
        hallId: "h1",
        deviceId: "d1",
        connectivity: "offline",
        reason: "silence",
        startMs: T0 + 100,
        endMs: T0 + 300,
      },
      {
        hallId: "h1",
        deviceId: "d1",
        connectivity: "online",
        reason: "data",
        startMs: T0 + 300,
        endMs: null,
      },
    ]);
    // Overlapping the range, not contained in it: the interval ending at 100 is out of [100, 200).
    expect((await store.connectivityHistory("h1", "d1", T0 + 100, T0 + 200)).map((i) => i.reason)).toEqual([
      "silence",
    ]);
    expect((await store.connectivityHistory("h1", "d1", T0 + 5000, T0 + 6000)).map((i) => i.reason)).toEqual([
      "data",
    ]);
    expect(await store.connectivityHistory("h1", "d1", T0 - 100, T0)).toEqual([]);
    expect((await store.connectivityHistory("h2", "d1", 0, T0 + 1000)).map((i) => i.reason)).toEqual([
      "silence",
    ]);
  });

  it("chains several transitions of one device in one batch, and writes batches wider than one statement", async () => {
    const store = new PresenceStore(await fresh());
    const d1 = device("d1");
    await store.save([], [], [{ device: d1, to: "online", reason: "birth", atMs: T0 }]);
    const many = Array.from({ length: 130 }, (_, i) => device(`m${String(i).padStart(3, "0")}`));
    await store.save(
      [...many, d1, device("d1", { zone: "last wins" })],
      Array.from({ length: 90 }, (_, i) => agent(`a${i}`)),
      [
        { device: d1, to: "offline", reason: "silence", atMs: T0 + 10 },
        ...many.map((d) => ({ device: d, to: "online" as const, reason: "birth", atMs: T0 + 5 })),
        { device: d1, to: "online", reason: "data", atMs: T0 + 20 },
        { device: d1, to: "unknown", reason: "broker_lost", atMs: T0 + 30 },
      ],
    );
    const intervals = await store.connectivityHistory("h1", "d1", 0, T0 + 1000);
    expect(intervals.map((i) => [i.reason, i.startMs - T0, i.endMs === null ? null : i.endMs - T0])).toEqual([
      ["birth", 0, 10],
      ["silence", 10, 20],
      ["data", 20, 30],
      ["broker_lost", 30, null],
    ]);
    const stored = await store.loadDevices();
    expect(stored).toHaveLength(131);
    expect(byId(stored).get("h1/d1")?.zone).toBe("last wins");
    expect(await store.loadAgents()).toHaveLength(90);
    expect(await store.connectivityHistory("h1", "m129", 0, T0 + 1000)).toHaveLength(1);
  });

  it("writes what a data message changes, and a device without a row whole", async () => {
    const sql = await fresh();
    const store = new PresenceStore(sql);
    const writes = new DeviceStateWrites(sql);
    await store.save([device("d1", { labelName: "kept" })], [], []);
    const seen = [
      device("d1", {
        lastSeenMs: T0 + 500,
        values: { appOk: false, printerState: "jam", cpuPct: 1, memPct: 2, diskPct: 3 },
        valuesTsMs: T0 + 490,
        zone: "not written by a data write",
      }),
      device("d-new", { lastSeenMs: T0 + 600 }),
      device("d-skipped", { lastSeenMs: T0 + 700 }),
    ];
    await writes.saveData(seen, 0, 2);
    const stored = byId(await store.loadDevices());
    expect(stored.get("h1/d1")).toEqual(
      device("d1", {
        labelName: "kept",
        lastSeenMs: T0 + 500,
        values: { appOk: false, printerState: "jam", cpuPct: 1, memPct: 2, diskPct: 3 },
        valuesTsMs: T0 + 490,
      }),
    );
    expect(stored.get("h1/d-new")).toEqual(device("d-new", { lastSeenMs: T0 + 600 }));
    expect(stored.has("h1/d-skipped")).toBe(false);
    await writes.saveData([]);
    expect((await store.loadDevices()).length).toBe(2);
  });

  it("writes nothing of a batch when one of its rows fails", async () => {
    const store = new PresenceStore(await fresh());
    const bad = device("d2", { model: null as unknown as string }); // NOT NULL
    await expect(store.save([device("d1"), bad], [agent("a1")], [])).rejects.toThrow();
    expect(await store.loadDevices()).toEqual([]);
    expect(await store.loadAgents()).toEqual([]);
  });

  it("writes only the halls the fence lets through: a hall taken over keeps its new owner's rows", async () => {
    const sql = await fresh();
    const leases = new LeaseStore(sql);
    const nowMs = await leases.nowMs();
    await leases.acquire("h1", "a", nowMs, 15_000);
    await leases.acquire("h2", "a", nowMs, 15_000);
    await leases.release("a", ["h2"], nowMs);
    await leases.acquire("h2", "b", nowMs, 15_000);
    // Node b, the new owner of h2, wrote its state; node a (paused, it still believes epoch 1) writes both halls.
    await new PresenceStore(sql).save([device("d1", { hallId: "h2", connectivity: "unknown" })], [], []);
    const fence = new LeaseFence("a", (hallId) => ({ h1: 1, h2: 1 })[hallId] ?? null);
    const stale = new PresenceStore(sql, fence);
    await stale.save(
      [device("d1"), device("d1", { hallId: "h2", connectivity: "offline" })],
      [agent("a1"), agent("a2", { hallId: "h2" })],
      [
        { device: device("d1"), to: "online", reason: "birth", atMs: T0 },
        { device: device("d1", { hallId: "h2" }), to: "offline", reason: "silence", atMs: T0 },
      ],
    );
    await new DeviceStateWrites(sql, fence).saveData([device("d1", { hallId: "h2", lastSeenMs: T0 + 99 })]);
    const stored = byId(await stale.loadDevices());
    expect(stored.get("h1/d1")?.connectivity).toBe("online");
    expect(stored.get("h2/d1")).toMatchObject({ connectivity: "unknown", lastSeenMs: T0 + 1 });
    expect((await stale.loadAgents()).map((a) => a.agentId)).toEqual(["a1"]);
    expect(await stale.connectivityHistory("h2", "d1", 0, T0 + 1000)).toEqual([]);
    expect(await stale.connectivityHistory("h1", "d1", 0, T0 + 1000)).toHaveLength(1);
  });

  it("loads one hall's agents and devices for a takeover", async () => {
    const store = new PresenceStore(await fresh());
    await store.save(
      [device("d1"), device("d2", { hallId: "h2" })],
      [agent("a1"), agent("a2", { hallId: "h2" })],
      [],
    );
    const hall = await store.loadHall("h2");
    expect(hall.devices.map((d) => `${d.hallId}/${d.deviceId}`)).toEqual(["h2/d2"]);
    expect(hall.agents.map((a) => a.agentId)).toEqual(["a2"]);
  });
});
