import { expect, it } from "vitest";
import { DEFAULT_REPORT_SCHEDULE } from "../../src/core/reports/schedule.js";
import { ReportScheduleStore } from "../../src/reports/schedule-store.js";
import { describeEachEngine } from "../helpers/engines.js";
import { secondNode } from "../helpers/second-node.js";

describeEachEngine("ReportScheduleStore", (fresh) => {
  it("gives the defaults when nothing is stored, then the stored schedule with who stored it", async () => {
    const s = new ReportScheduleStore(await fresh());
    expect(await s.get("xc-001")).toEqual({
      schedule: DEFAULT_REPORT_SCHEDULE,
      stored: false,
      updatedMs: null,
      updatedBy: null,
    });
    const schedule = { ...DEFAULT_REPORT_SCHEDULE, dutyManagers: false, channelIds: ["wecom-1"] };
    await s.put("xc-001", schedule, "admin", 5);
    expect(await s.get("xc-001")).toEqual({ schedule, stored: true, updatedMs: 5, updatedBy: "admin" });
    await s.put("xc-001", DEFAULT_REPORT_SCHEDULE, "boss", 6);
    expect(await s.get("xc-001")).toMatchObject({ schedule: DEFAULT_REPORT_SCHEDULE, updatedBy: "boss" });
    expect((await s.get("xc-002")).stored).toBe(false);
  });

  it("fills the fields an older stored schedule lacks with today's defaults", async () => {
    const sql = await fresh();
    await sql.run(
      "INSERT INTO report_schedules (hall_id, schedule_json, updated_ms, updated_by) VALUES (?, ?, ?, ?)",
      ["xc-001", JSON.stringify({ dutyManagers: false }), 1, "admin"],
    );
    const { schedule } = await new ReportScheduleStore(sql).get("xc-001");
    expect(schedule).toEqual({ ...DEFAULT_REPORT_SCHEDULE, dutyManagers: false });
  });

  it("records a report run once per hall, kind and period, and gives the latest run of each kind", async () => {
    const s = new ReportScheduleStore(await fresh());
    expect(await s.wasSent("xc-001", "day", "2026-03-09")).toBe(false);
    expect(await s.markSent("xc-001", "day", "2026-03-09", ["wecom-1"], 10)).toBe(true);
    expect(await s.markSent("xc-001", "day", "2026-03-09", ["wecom-2"], 11)).toBe(false);
    expect(await s.wasSent("xc-001", "day", "2026-03-09")).toBe(true);
    expect(await s.wasSent("xc-002", "day", "2026-03-09")).toBe(false);
    await s.markSent("xc-001", "day", "2026-03-10", ["wecom-1", "person:li:email"], 20);
    await s.markSent("xc-001", "month", "2026-02", [], 30);
    await s.markSent("xc-002", "day", "2026-03-11", [], 40);
    const last = (await s.lastSent("xc-001")).sort((a, b) => a.kind.localeCompare(b.kind));
    expect(last).toEqual([
      { kind: "day", period: "2026-03-10", sentMs: 20, targets: ["wecom-1", "person:li:email"] },
      { kind: "month", period: "2026-02", sentMs: 30, targets: [] },
    ]);
    expect(await s.lastSent("xc-009")).toEqual([]);
  });

  it("lets exactly one of two nodes polling at the same moment claim a run", async () => {
    const sql = await fresh();
    const other = secondNode(sql);
    try {
      const nodeA = new ReportScheduleStore(sql);
      const nodeB = new ReportScheduleStore(other.engine);
      for (let week = 1; week <= 20; week += 1) {
        const period = `2026-W${String(week).padStart(2, "0")}`;
        const claims = await Promise.all([
          nodeA.markSent("xc-001", "week", period, ["a"], week),
          nodeB.markSent("xc-001", "week", period, ["b"], week),
        ]);
        expect(claims.filter(Boolean)).toHaveLength(1);
      }
    } finally {
      await other.close();
    }
  });

  it("releases a claimed run whose report could not be queued, so the next poll sends it", async () => {
    const s = new ReportScheduleStore(await fresh());
    await s.markSent("xc-001", "day", "2026-03-09", [], 10);
    await s.unmarkSent("xc-001", "day", "2026-03-09");
    expect(await s.wasSent("xc-001", "day", "2026-03-09")).toBe(false);
    await s.unmarkSent("xc-001", "day", "2026-03-09");
  });

  it("stores attachments by reference, byte for byte, and prunes old ones", async () => {
    const s = new ReportScheduleStore(await fresh());
    const content = Buffer.from([0, 1, 2, 250, 255, 0x25, 0x50]);
    const ref = await s.saveFile(content, 100);
    expect(ref).toMatch(/^report-file:/);
    expect(await s.loadFile(ref)).toEqual(content);
    expect(await s.loadFile("report-file:missing")).toBeNull();
    expect(await s.loadFile("not-a-ref")).toBeNull();
    const later = await s.saveFile(Buffer.from("late"), 200);
    expect(await s.pruneFiles(150)).toBe(1);
    expect(await s.loadFile(ref)).toBeNull();
    expect((await s.loadFile(later))?.toString()).toBe("late");
    expect(await s.pruneFiles(150)).toBe(0);
  });
});
