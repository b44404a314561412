import { expect, it } from "vitest";
import { type Delivery, DeliveryLog } from "../../src/notify/delivery-log.js";
import { describeEachEngine } from "../helpers/engines.js";

const attempt = (i: number, extra: Partial<Delivery> = {}): Omit<Delivery, "id"> => ({
  atMs: 1_764_547_200_000 + i,
  channelId: i % 2 ? "a" : "b",
  alertId: i % 3 ? "al" : null,
  action: i % 4 ? "opened" : "resolved",
  attempt: 1,
  ok: i !== 3,
  error: i === 3 ? "HTTP 500" : null,
  errorCode: i === 3 ? "http_status" : null,
  httpStatus: i === 3 ? 500 : null,
  durationMs: 5 + i,
  ...extra,
});

describeEachEngine("the delivery log", (fresh) => {
  it("keeps every attempt as given, newest first", async () => {
    const log = new DeliveryLog(await fresh());
    expect(await log.query()).toEqual({ items: [], total: 0 });
    for (let i = 0; i < 7; i += 1) await log.add(attempt(i));
    await log.add(attempt(7, { groupSize: 4, summary: "4 alerts in 2 halls" }));
    const all = await log.query();
    expect(all.total).toBe(8);
    expect(all.items.map((d) => d.atMs - 1_764_547_200_000)).toEqual([7, 6, 5, 4, 3, 2, 1, 0]);
    const { id: _id, ...failed } = all.items.find((d) => !d.ok) as Delivery;
    expect(failed).toEqual({ ...attempt(3), groupSize: null, summary: null });
    expect(all.items[0]).toMatchObject({
      ok: true,
      groupSize: 4,
      summary: "4 alerts in 2 halls",
      alertId: "al",
    });
    expect(all.items.find((d) => d.atMs === 1_764_547_200_000)?.alertId).toBeNull();
  });

  it("filters by channel, alert, action, outcome, time and grouping, and pages with a total", async () => {
    const log = new DeliveryLog(await fresh());
    for (let i = 0; i < 7; i += 1) await log.add(attempt(i, i === 5 ? { groupSize: 2, summary: "s" } : {}));
    const t0 = 1_764_547_200_000;
    const page = await log.query({ channelId: "a", limit: 2, offset: 1 });
    expect(page.total).toBe(3);
    expect(page.items.map((d) => d.atMs - t0)).toEqual([3, 1]);
    expect((await log.query({ ok: false })).items.map((d) => d.atMs - t0)).toEqual([3]);
    expect((await log.query({ ok: true })).total).toBe(6);
    expect((await log.query({ fromMs: t0 + 5 })).total).toBe(2);
    expect((await log.query({ toMs: t0 + 2 })).total).toBe(2);
    expect((await log.query({ alertId: "al" })).total).toBe(4);
    expect((await log.query({ action: "resolved" })).items.map((d) => d.atMs - t0)).toEqual([4, 0]);
    expect((await log.query({ grouped: true })).items.map((d) => d.atMs - t0)).toEqual([5]);
    expect((await log.query({ grouped: false })).total).toBe(7);
    expect((await log.query({ limit: 0 })).items).toHaveLength(1);
    expect((await log.query({ limit: 10_000, offset: -3 })).items).toHaveLength(7);
    expect((await log.query({ offset: 6 })).items).toHaveLength(1);
  });
});
