import { expect, it } from "vitest";
import { type OpeningHours, openingHoursSchema } from "../../src/core/calendar/opening-hours.js";
import { HallDirectory } from "../../src/store/hall-directory.js";
import { HallStore } from "../../src/store/halls.js";
import { describeEachEngine } from "../helpers/engines.js";

const DAY = [{ open: "09:00", close: "18:00" }];
const HOURS: OpeningHours = openingHoursSchema.parse({
  timeZone: "Asia/Shanghai",
  weekly: { mon: DAY, tue: DAY, wed: DAY, thu: DAY, fri: DAY, sat: [], sun: [] },
});

describeEachEngine("hall store", (fresh) => {
  it("creates, renames and lists halls in id order, keeping the region unless it is given", async () => {
    const halls = new HallStore(await fresh());
    await halls.upsert({ id: "hall-b", name: "西城营业厅", region: "西城区" }, 1_000);
    await halls.upsert({ id: "hall-a", name: "A", timeZone: "Europe/Berlin" }, 2_000);
    await halls.upsert({ id: "hall-b", name: "西城营业厅（新）" }, 3_000);
    expect(await halls.get("hall-b")).toEqual({
      id: "hall-b",
      name: "西城营业厅（新）",
      timeZone: "Asia/Shanghai",
      region: "西城区",
      createdMs: 1_000,
    });
    await halls.upsert({ id: "hall-b", name: "x", region: null }, 4_000);
    expect((await halls.get("hall-b"))?.region).toBeNull();
    expect((await halls.list()).map((h) => h.id)).toEqual(["hall-a", "hall-b"]);
    expect(await halls.get("nope")).toBeNull();
  });

  it("keeps opening hours per hall; null means always open; a missing hall is not changed", async () => {
    const halls = new HallStore(await fresh());
    await halls.upsert({ id: "h1", name: "H1" });
    expect(await halls.openingHours("h1")).toBeNull();
    expect(await halls.setOpeningHours("h1", HOURS)).toBe(true);
    expect(await halls.openingHours("h1")).toEqual(HOURS);
    expect(await halls.setOpeningHours("nope", HOURS)).toBe(false);
    expect(await halls.setOpeningHours("h1", null)).toBe(true);
    expect(await halls.openingHours("h1")).toBeNull();
  });

  it("loads halls with the same hours as one schedule, and a hall with hours it cannot read as an error of its own", async () => {
    // A chain's halls mostly share their hours: parsed once per load, and one object, so a calendar answer found for
    // one hall holds for the others (docs/performance.md: the alert tick at a province's size).
    const sql = await fresh();
    const halls = new HallStore(sql);
    for (const id of ["h1", "h2", "h3"]) {
      await halls.upsert({ id, name: id });
      await halls.setOpeningHours(id, HOURS);
    }
    await halls.upsert({ id: "h4", name: "h4" });
    await sql.run("UPDATE halls SET opening_hours_json = ? WHERE id = 'h4'", [
      JSON.stringify({ ...HOURS, timeZone: "Nowhere/Land" }),
    ]);
    const loaded = new Map((await halls.loadAll()).map((h) => [h.id, h.openingHours]));
    expect(loaded.get("h1")).toEqual(HOURS);
    expect(loaded.get("h2")).toBe(loaded.get("h1"));
    expect(loaded.get("h3")).toBe(loaded.get("h1"));
    expect(loaded.get("h4")).toBeInstanceOf(Error);
  });

  it("counts every change, so a reader elsewhere knows when to reload", async () => {
    const halls = new HallStore(await fresh());
    const v0 = await halls.version();
    await halls.upsert({ id: "h1", name: "H1" });
    const v1 = await halls.version();
    await halls.setOpeningHours("h1", HOURS);
    const v2 = await halls.version();
    await halls.setOpeningHours("nope", HOURS);
    expect(v1).toBeGreaterThan(v0);
    expect(v2).toBeGreaterThan(v1);
    expect(await halls.version()).toBe(v2);
  });

  it("gives synchronous reads from memory; another node's change is seen at the next refresh", async () => {
    const sql = await fresh();
    const here = await HallDirectory.open(new HallStore(sql));
    const elsewhere = new HallStore(sql); // the CLI, or another node on the same database
    await here.upsert({ id: "h1", name: "H1" });
    expect(here.get("h1")?.name).toBe("H1");
    await elsewhere.upsert({ id: "h2", name: "H2", region: "东城区" });
    await elsewhere.setOpeningHours("h1", HOURS);
    expect(here.get("h2")).toBeNull();
    expect(await here.refresh()).toBe(true);
    expect(here.get("h2")?.region).toBe("东城区");
    expect(here.openingHours("h1")).toEqual(HOURS);
    expect(here.list().map((h) => h.id)).toEqual(["h1", "h2"]);
    expect(await here.refresh()).toBe(false);
    await here.setOpeningHours("h2", HOURS);
    expect(here.openingHours("h2")).toEqual(HOURS);
  });
});
