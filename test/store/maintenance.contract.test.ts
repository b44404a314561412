import { expect, it } from "vitest";
import { MaintenanceCalendar } from "../../src/calendar/maintenance-calendar.js";
import type { MaintenanceWindowInput } from "../../src/core/calendar/maintenance.js";
import { HallDirectory } from "../../src/store/hall-directory.js";
import { HallStore } from "../../src/store/halls.js";
import { MaintenanceStore } from "../../src/store/maintenance.js";
import { describeEachEngine } from "../helpers/engines.js";

const H = 3_600_000;
const T0 = Date.UTC(2026, 11, 7, 2, 0); // Mon 7 Dec 10:00 in Shanghai

const once = (startMs: number, endMs: number, reason = "firmware update"): MaintenanceWindowInput => ({
  scope: { type: "hall" },
  recurrence: { type: "once", startMs, endMs },
  reason,
});

describeEachEngine("maintenance windows", (fresh) => {
  it("adds, lists per hall in creation order, gets and removes (a removed window is gone but kept)", async () => {
    const sql = await fresh();
    await new HallStore(sql).upsert({ id: "h1", name: "H1" });
    await new HallStore(sql).upsert({ id: "h2", name: "H2" });
    const store = new MaintenanceStore(sql);
    const a = await store.add("h1", once(T0, T0 + H, "面板更换"), "maint", 1_000);
    const b = await store.add("h1", once(T0 + 2 * H, T0 + 3 * H), "maint", 2_000);
    await store.add("h2", once(T0, T0 + H), "maint", 3_000);
    expect((await store.list("h1")).map((w) => w.id)).toEqual([a.id, b.id]);
    expect((await store.list()).length).toBe(3);
    expect(await store.get(a.id)).toEqual(a);
    expect(a.reason).toBe("面板更换");
    expect((await store.remove(a.id, 5_000))?.id).toBe(a.id);
    expect(await store.remove(a.id, 6_000)).toBeNull();
    expect(await store.get(a.id)).toBeNull();
    expect((await store.list("h1")).map((w) => w.id)).toEqual([b.id]);
    const kept = await sql.get<{ deleted_ms: number }>(
      "SELECT deleted_ms FROM maintenance_windows WHERE id = ?",
      [a.id],
    );
    expect(kept?.deleted_ms).toBe(5_000);
    expect(await store.remove("nope")).toBeNull();
  });

  it("answers 'in maintenance?' synchronously, and sees a window added elsewhere at the next refresh", async () => {
    const sql = await fresh();
    const halls = new HallStore(sql);
    await halls.upsert({ id: "h1", name: "H1" });
    const calendar = await MaintenanceCalendar.open(
      new MaintenanceStore(sql),
      await HallDirectory.open(halls),
    );
    const kiosk = { hallId: "h1", deviceId: "k1", kind: "kiosk" as const };
    expect(calendar.isInMaintenance(kiosk, T0 + H / 2)).toBe(false);
    const window = await calendar.add("h1", once(T0, T0 + H), "maint");
    expect(calendar.isInMaintenance(kiosk, T0 + H / 2)).toBe(true);
    expect(calendar.intervals(kiosk, T0 - H, T0 + 2 * H)).toEqual([[T0, T0 + H]]);
    const cli = new MaintenanceStore(sql); // the CLI or another node
    await cli.add("h1", once(T0 + 5 * H, T0 + 6 * H), "maint");
    expect(calendar.isInMaintenance(kiosk, T0 + 5.5 * H)).toBe(false);
    expect(await calendar.refresh()).toBe(true);
    expect(calendar.isInMaintenance(kiosk, T0 + 5.5 * H)).toBe(true);
    expect(await calendar.refresh()).toBe(false);
    expect((await calendar.remove(window.id))?.id).toBe(window.id);
    expect(calendar.isInMaintenance(kiosk, T0 + H / 2)).toBe(false);
    expect(calendar.windows("h1")).toHaveLength(1);
  });
});
