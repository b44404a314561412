import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { raise } from "../../src/core/alerts/alert.js";
import {
  buildHallReport,
  lastCompletePeriod,
  reportCsv,
  reportHtml,
  reportRange,
} from "../../src/reports/hall-report.js";
import type { UptimeRow } from "../../src/reports/uptime-rows.js";

const TZ = "Asia/Shanghai";
const at = (iso: string, zone = TZ) => DateTime.fromISO(iso, { zone }).toMillis();
const MIN = 60_000;

const row = (
  deviceId: string,
  upMin: number,
  downMin: number,
  failures: number,
  name: string | null = null,
): UptimeRow => ({
  hallId: "h",
  deviceId,
  kind: "kiosk",
  name,
  zone: "z",
  expectedMs: (upMin + downMin) * MIN,
  upMs: upMin * MIN,
  downMs: downMin * MIN,
  unknownMs: 0,
  maintenanceMs: 0,
  ratio: upMin / (upMin + downMin),
  failures,
  resolvedFailures: 0,
  repairMs: 0,
  mtbfMs: null,
  mttrMs: null,
});

describe("hall reports", () => {
  it("covers the day, Monday-start week or calendar month in the hall's time zone", () => {
    expect(reportRange("day", "2026-11-23", TZ)).toEqual({
      fromMs: at("2026-11-23T00:00"),
      toMs: at("2026-11-24T00:00"),
    });
    expect(reportRange("week", "2026-11-26", TZ)).toEqual({
      fromMs: at("2026-11-23T00:00"),
      toMs: at("2026-11-30T00:00"),
    });
    expect(reportRange("month", "2026-11-26", TZ)).toEqual({
      fromMs: at("2026-11-01T00:00"),
      toMs: at("2026-12-01T00:00"),
    });
    const berlinWeek = reportRange("week", "2026-03-25", "Europe/Berlin");
    expect(berlinWeek.toMs - berlinWeek.fromMs).toBe((7 * 24 - 1) * 60 * MIN); // the week with the spring change
  });

  it("defaults to the last complete period: the monthly report is ready on the 1st", () => {
    expect(lastCompletePeriod("month", at("2026-12-01T08:00"), TZ).slice(0, 7)).toBe("2026-11");
    expect(lastCompletePeriod("day", at("2026-12-01T08:00"), TZ)).toBe("2026-11-30");
  });

  it("sums uptime, lists faults with durations and ranks top offenders", () => {
    const fromMs = at("2026-11-23T00:00");
    const toMs = at("2026-11-24T00:00");
    const base = {
      hallId: "h",
      agentId: "a",
      kind: "kiosk" as const,
      severity: "major" as const,
      audience: [],
      summary: { en: "x", zh: "x" },
      observed: null,
      affected: [],
    };
    const jam = raise(
      null,
      { ...base, key: "k1", deviceId: "k1", faultType: "printer_jam" },
      at("2026-11-23T10:00"),
      0,
      "a1",
    ).alert;
    const resolvedJam = {
      ...jam,
      status: "resolved" as const,
      resolved: { by: "auto", atMs: at("2026-11-23T10:30"), reason: "x" },
    };
    const stillOpen = raise(
      null,
      { ...base, key: "k2", deviceId: "k2", faultType: "app_down", severity: "critical" },
      at("2026-11-23T23:00"),
      0,
      "a2",
    ).alert;
    const report = buildHallReport({
      hallId: "h",
      hallName: "North",
      period: "day",
      fromMs,
      toMs,
      nowMs: toMs + 3_600_000,
      rows: [row("k1", 510, 30, 1), row("k2", 480, 60, 1), row("k3", 540, 0, 0)],
      alerts: [resolvedJam, stillOpen],
    });
    expect(report.uptime.hall.ratio).toBeCloseTo(1530 / 1620);
    expect(report.faults.items.map((f) => [f.deviceId, f.durationMs / MIN])).toEqual([
      ["k1", 30],
      ["k2", 60],
    ]);
    expect(report.topOffenders.map((o) => o.deviceId)).toEqual(["k2", "k1"]);
    expect(reportCsv(report).split("\n")[0]).toMatch(/^section,hallId,deviceId/);
  });

  it("prints names as text", () => {
    const report = buildHallReport({
      hallId: "h",
      hallName: "<b>North</b>",
      period: "day",
      fromMs: 0,
      toMs: 1,
      nowMs: 1,
      rows: [row("k1", 1, 0, 0, "<script>alert(1)</script>")],
      alerts: [],
    });
    const html = reportHtml(report, TZ);
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&#60;script&#62;");
    expect(html).not.toContain("<b>North</b>");
  });
});
