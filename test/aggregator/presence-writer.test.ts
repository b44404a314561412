import { afterEach, describe, expect, it } from "vitest";
import { PresenceWriter } from "../../src/aggregator/presence-writer.js";
import type { DeviceState } from "../../src/core/presence/types.js";
import { type Db, openDatabase } from "../../src/store/database.js";
import { DeviceStateWrites } from "../../src/store/device-state-writes.js";
import { PresenceStore } from "../../src/store/presence-store.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";

const dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

function setup(sliceRows: number, seenEveryMs?: number) {
  const db = openDatabase(":memory:");
  dbs.push(db);
  const sql = new SqliteEngine(db);
  const store = new PresenceStore(sql);
  const errors: { err: unknown; lostTransitions: number }[] = [];
  const writer = new PresenceWriter(
    store,
    new DeviceStateWrites(sql),
    (err, lostTransitions) => errors.push({ err, lostTransitions }),
    sliceRows,
    seenEveryMs,
  );
  const stored = async () => new Map((await store.loadDevices()).map((d) => [d.deviceId, d]));
  return { db, writer, store, stored, errors };
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

/** A real refusal from the database (as a full disk gives), until `allow` is called. */
function refuseWrites(db: Db): { allow: () => void } {
  db.exec(`CREATE TRIGGER refuse_devices BEFORE INSERT ON devices BEGIN SELECT RAISE(ABORT, 'refused'); END;
           CREATE TRIGGER refuse_updates BEFORE UPDATE ON devices BEGIN SELECT RAISE(ABORT, 'refused'); END;`);
  return { allow: () => db.exec("DROP TRIGGER refuse_devices; DROP TRIGGER refuse_updates;") };
}

describe("PresenceWriter", () => {
  it("writes devices that only sent data in slices, one event-loop turn apart, until all are stored", async () => {
    const { writer, stored, errors } = setup(3);
    const devices = Array.from({ length: 8 }, (_, i) => device(`kiosk-${i}`, 100 + i));
    for (const d of devices) writer.deviceChanged(d);
    await writer.flushAll();
    for (const d of devices) {
      d.lastSeenMs = 500;
      d.valuesTsMs = 500;
      writer.deviceSeen(d);
    }
    const sliced = writer.flushInSlices();
    await new Promise((resolve) => setImmediate(resolve));
    // After the first turn: one slice written, the rest still pending.
    expect(writer.pendingRows).toBeGreaterThan(0);
    expect(writer.pendingRows).toBeLessThan(8);
    await sliced;
    expect([...(await stored()).values()].every((d) => d.lastSeenMs === 500 && d.valuesTsMs === 500)).toBe(
      true,
    );
    expect(writer.pendingRows).toBe(0);
    expect(errors).toEqual([]);
  });

  it("flushAllInSlices (an ingest-log checkpoint) writes every device seen so far, a slice per turn, whenever it was last written", async () => {
    const { writer, stored } = setup(3, 60_000); // the periodic flush would not write seen devices for a minute
    const devices = Array.from({ length: 8 }, (_, i) => device(`kiosk-${i}`, 100 + i));
    for (const d of devices) writer.deviceChanged(d);
    await writer.flushAll();
    await writer.flushInSlices(); // the periodic one: seen devices wait for seenEveryMs
    for (const d of devices) {
      d.lastSeenMs = 700;
      writer.deviceSeen(d);
    }
    let turnsBetweenSlices = 0;
    const sliced = writer.flushAllInSlices();
    const tick = () => {
      turnsBetweenSlices += 1;
      if (writer.pendingRows > 0) setImmediate(tick);
    };
    setImmediate(tick);
    await sliced;
    expect(turnsBetweenSlices).toBeGreaterThanOrEqual(2); // 8 rows in slices of 3: other work ran in between
    expect([...(await stored()).values()].map((d) => d.lastSeenMs)).toEqual(Array(8).fill(700));
    expect(writer.pendingRows).toBe(0);
  });

  it("flushAll finishes a cancelled sliced write and what was seen since", async () => {
    const { writer, stored } = setup(2);
    const devices = Array.from({ length: 5 }, (_, i) => device(`kiosk-${i}`, 100));
    for (const d of devices) writer.deviceChanged(d);
    await writer.flushAll();
    for (const d of devices) {
      d.lastSeenMs = 200;
      writer.deviceSeen(d);
    }
    const sliced = writer.flushInSlices();
    writer.cancel();
    await sliced;
    expect(writer.pendingRows).toBe(3); // one slice of two written, then stopped
    const late = devices[4] as DeviceState;
    late.lastSeenMs = 300;
    late.values = { appOk: false, printerState: "jam", cpuPct: 1, memPct: 2, diskPct: 3 };
    writer.deviceSeen(late);
    await writer.flushAll();
    const rows = await stored();
    expect([0, 1, 2, 3].map((i) => rows.get(`kiosk-${i}`)?.lastSeenMs)).toEqual([200, 200, 200, 200]);
    expect(rows.get("kiosk-4")).toMatchObject({ lastSeenMs: 300, values: late.values });
    expect(writer.pendingRows).toBe(0);
  });

  it("writes devices that only sent data at most every seenEveryMs in the periodic flush, and at once in flushAll", async () => {
    const { writer, store } = setup(100, 5000);
    const lastSeen = async () => (await store.loadDevices())[0]?.lastSeenMs;
    const d = device("kiosk-1", 100);
    writer.deviceChanged(d);
    await writer.flushInSlices(0);
    d.lastSeenMs = 200;
    writer.deviceSeen(d);
    await writer.flushInSlices(1000);
    expect(await lastSeen()).toBe(100); // within 5 s of the last periodic write
    d.lastSeenMs = 300;
    writer.deviceSeen(d);
    await writer.flushInSlices(4000);
    expect(await lastSeen()).toBe(100);
    await writer.flushInSlices(5000);
    expect(await lastSeen()).toBe(300);
    d.lastSeenMs = 400;
    writer.deviceSeen(d);
    await writer.flushAll();
    expect(await lastSeen()).toBe(400);
  });

  it("writes a seen device that has no row yet whole", async () => {
    const { writer, stored } = setup(10);
    writer.deviceSeen(device("kiosk-new", 42));
    await writer.flushAll();
    expect((await stored()).get("kiosk-new")).toMatchObject({
      kind: "kiosk",
      lastSeenMs: 42,
      connectivity: "online",
    });
  });

  it("keeps what the store refused, transitions in order, and writes it with the next flush", async () => {
    const { db, writer, store, stored, errors } = setup(10);
    const d1 = device("kiosk-1", 100);
    const d2 = device("kiosk-2", 100);
    const refusal = refuseWrites(db);
    writer.deviceChanged(d1);
    writer.transition({ device: d1, to: "offline", reason: "silence", atMs: 1000 });
    writer.deviceSeen(d2);
    await writer.flushAll();
    expect(errors.map((e) => [(e.err as Error).message, e.lostTransitions])).toEqual([["refused", 0]]);
    expect(writer.pendingRows).toBe(2);
    // What happens meanwhile queues behind what was refused.
    d1.connectivity = "online";
    writer.deviceChanged(d1);
    writer.transition({ device: d1, to: "online", reason: "data", atMs: 2000 });
    refusal.allow();
    await writer.flushAll();
    expect(errors).toHaveLength(1);
    expect(writer.pendingRows).toBe(0);
    const rows = await stored();
    expect(rows.get("kiosk-1")?.connectivity).toBe("online");
    expect(rows.get("kiosk-2")?.lastSeenMs).toBe(100);
    expect(
      (await store.connectivityHistory("hall-1", "kiosk-1", 0, 10_000)).map((i) => [i.reason, i.endMs]),
    ).toEqual([
      ["silence", 2000],
      ["data", null],
    ]);
  });

  it("puts back the rest of a sliced write the store refused mid-way", async () => {
    const { db, writer, stored, errors } = setup(2);
    const devices = Array.from({ length: 5 }, (_, i) => device(`kiosk-${i}`, 100));
    for (const d of devices) writer.deviceChanged(d);
    await writer.flushAll();
    for (const d of devices) {
      d.lastSeenMs = 200;
      writer.deviceSeen(d);
    }
    const refusal = refuseWrites(db);
    await writer.flushInSlices();
    expect(errors).toHaveLength(1);
    expect(writer.pendingRows).toBe(5);
    refusal.allow();
    await writer.flushAll();
    expect([...(await stored()).values()].map((d) => d.lastSeenMs)).toEqual([200, 200, 200, 200, 200]);
  });
});
