import { expect, it } from "vitest";
import { DeviceEventStore, type StoredDeviceEvent } from "../../src/store/events.js";
import { describeEachEngine } from "../helpers/engines.js";

const T0 = 1_764_547_200_000;

const event = (n: number, over: Partial<StoredDeviceEvent> = {}): StoredDeviceEvent => ({
  hallId: "h1",
  deviceId: "d1",
  tsMs: T0 + n,
  receivedMs: T0 + n + 5,
  type: `type_${n}`,
  message: `message ${n}`,
  data: null,
  historical: false,
  ...over,
});

describeEachEngine("device events", (fresh) => {
  it("gives a device's events back newest first by time, then by id, with data, message and historical", async () => {
    const store = new DeviceEventStore(await fresh());
    await store.saveBatch([
      event(1, { data: { door: "open", n: 2.5, ok: true, none: null } }),
      event(2, { message: null, historical: true }),
      event(12, { tsMs: T0 + 2 }), // same time as event 2, written after it
      event(3, { deviceId: "d2" }),
      event(4, { hallId: "h2" }),
    ]);
    await store.saveBatch([event(9, { tsMs: T0 - 9 })]);
    const recent = await store.recent("h1", "d1", 10);
    expect(recent.map((e) => e.type)).toEqual(["type_12", "type_2", "type_1", "type_9"]);
    expect(recent[1]).toEqual({
      hallId: "h1",
      deviceId: "d1",
      tsMs: T0 + 2,
      receivedMs: T0 + 7,
      type: "type_2",
      message: null,
      data: null,
      historical: true,
    });
    expect(recent[2]).toEqual(event(1, { data: { door: "open", n: 2.5, ok: true, none: null } }));
    expect(typeof recent[0]!.tsMs).toBe("number");
    expect(await store.recent("h1", "d1", 2)).toEqual(recent.slice(0, 2));
    expect((await store.recent("h1", "d2", 10)).map((e) => e.type)).toEqual(["type_3"]);
    expect((await store.recent("h2", "d1", 10)).map((e) => e.type)).toEqual(["type_4"]);
    expect(await store.recent("h3", "d1", 10)).toEqual([]);
  });

  it("writes nothing for an empty batch", async () => {
    const store = new DeviceEventStore(await fresh());
    await store.saveBatch([]);
    expect(await store.recent("h1", "d1", 10)).toEqual([]);
  });

  it("keeps the newest maxRows events, pruning the oldest as batches come", async () => {
    const store = new DeviceEventStore(await fresh(), 3);
    await store.saveBatch([event(1), event(2)]);
    await store.saveBatch([event(3), event(4), event(5)]);
    expect((await store.recent("h1", "d1", 10)).map((e) => e.type)).toEqual(["type_5", "type_4", "type_3"]);
    await store.saveBatch([event(6)]);
    expect((await store.recent("h1", "d1", 10)).map((e) => e.type)).toEqual(["type_6", "type_5", "type_4"]);
  });

  it("writes the batch as it was when saveBatch was called, whatever the caller changes while it is written", async () => {
    const store = new DeviceEventStore(await fresh());
    const batch = [event(1, { data: { v: 1 } })];
    const saving = store.saveBatch(batch);
    batch[0]!.type = "changed";
    (batch[0]!.data as { v: number }).v = 2;
    batch.push(event(2));
    await saving;
    expect(await store.recent("h1", "d1", 10)).toEqual([event(1, { data: { v: 1 } })]);
  });

  it("writes a large batch whole (more rows than one statement takes)", async () => {
    const store = new DeviceEventStore(await fresh());
    const batch = Array.from({ length: 1_234 }, (_, n) => event(n));
    await store.saveBatch(batch);
    const recent = await store.recent("h1", "d1", 2_000);
    expect(recent).toHaveLength(1_234);
    expect(recent[0]).toEqual(event(1_233));
    expect(recent[1_233]).toEqual(event(0));
  });
});
