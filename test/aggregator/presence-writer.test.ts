import { afterEach, describe, expect, it } from "vitest";
import { PresenceWriter } from "../../src/aggregator/presence-writer.js";
import type { DeviceState } from "../../src/core/presence/types.js";
import { type Db, openDatabase } from "../../src/store/database.js";
import { DeviceStateWrites } from "../../src/store/device-state-writes.js";
import { PresenceStore } from "../../src/store/presence-store.js";
import { sleep } from "../helpers/wait.js";

const dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

function setup(sliceRows: number) {
  const db = openDatabase(":memory:");
  dbs.push(db);
  const store = new PresenceStore(db);
  const errors: unknown[] = [];
  const writer = new PresenceWriter(
    store,
    new DeviceStateWrites(db, store),
    (err) => errors.push(err),
    sliceRows,
  );
  const stored = () => new Map(store.loadDevices().map((d) => [d.deviceId, d]));
  return { writer, store, stored, errors };
}

function device(id: string, lastSeenMs: number): DeviceState {
  return {
    hallId: "hall-1",
    deviceId: id,
    agentId: "agent-1",
    kind: "kiosk",
    model: "K",
    zone: "z",
    name: null,
    reportIntervalSec: 10,
    connectivity: "online",
    connectivitySinceMs: 1,
    connectivityReason: "birth",
    lastSeenMs,
    values: { appOk: true, printerState: "ok", cpuPct: 1, memPct: 2, diskPct: lastSeenMs % 100 },
    valuesTsMs: lastSeenMs,
    retired: false,
  };
}

describe("PresenceWriter", () => {
  it("writes devices that only sent data in slices, one event-loop turn each, until all are stored", async () => {
    const { writer, stored, errors } = setup(3);
    const devices = Array.from({ length: 8 }, (_, i) => device(`kiosk-${i}`, 100 + i));
    for (const d of devices) writer.deviceChanged(d);
    writer.flushAll();
    for (const d of devices) {
      d.lastSeenMs = 500;
      d.valuesTsMs = 500;
      writer.deviceSeen(d);
    }
    writer.flushInSlices();
    expect([...stored().values()].filter((d) => d.lastSeenMs === 500)).toHaveLength(3);
    expect(writer.pendingRows).toBe(5);
    await sleep(20);
    expect([...stored().values()].every((d) => d.lastSeenMs === 500 && d.valuesTsMs === 500)).toBe(true);
    expect(writer.pendingRows).toBe(0);
    expect(errors).toEqual([]);
  });

  it("flushAll finishes a sliced write and what was seen since", () => {
    const { writer, stored } = setup(2);
    const devices = Array.from({ length: 5 }, (_, i) => device(`kiosk-${i}`, 100));
    for (const d of devices) writer.deviceChanged(d);
    writer.flushAll();
    for (const d of devices) {
      d.lastSeenMs = 200;
      writer.deviceSeen(d);
    }
    writer.flushInSlices();
    const late = devices[4] as DeviceState;
    late.lastSeenMs = 300;
    late.values = { appOk: false, printerState: "jam", cpuPct: 1, memPct: 2, diskPct: 3 };
    writer.deviceSeen(late);
    writer.flushAll();
    writer.cancel();
    const rows = stored();
    expect([0, 1, 2, 3].map((i) => rows.get(`kiosk-${i}`)?.lastSeenMs)).toEqual([200, 200, 200, 200]);
    expect(rows.get("kiosk-4")).toMatchObject({ lastSeenMs: 300, values: late.values });
  });

  it("writes devices that only sent data at most every seenEveryMs in the periodic flush, and at once in flushAll", () => {
    const db = openDatabase(":memory:");
    dbs.push(db);
    const store = new PresenceStore(db);
    const writer = new PresenceWriter(store, new DeviceStateWrites(db, store), () => undefined, 100, 5000);
    const d = device("kiosk-1", 100);
    writer.deviceChanged(d);
    writer.flushInSlices(0);
    d.lastSeenMs = 200;
    writer.deviceSeen(d);
    writer.flushInSlices(1000);
    expect(store.loadDevices()[0]?.lastSeenMs).toBe(100); // within 5 s of the last periodic write
    d.lastSeenMs = 300;
    writer.deviceSeen(d);
    writer.flushInSlices(4000);
    expect(store.loadDevices()[0]?.lastSeenMs).toBe(100);
    writer.flushInSlices(5000);
    expect(store.loadDevices()[0]?.lastSeenMs).toBe(300);
    d.lastSeenMs = 400;
    writer.deviceSeen(d);
    writer.flushAll();
    expect(store.loadDevices()[0]?.lastSeenMs).toBe(400);
  });

  it("writes a seen device that has no row yet whole", () => {
    const { writer, stored } = setup(10);
    writer.deviceSeen(device("kiosk-new", 42));
    writer.flushAll();
    expect(stored().get("kiosk-new")).toMatchObject({
      kind: "kiosk",
      lastSeenMs: 42,
      connectivity: "online",
    });
  });
});
