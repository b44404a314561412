import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { openingHoursSchema } from "../../../src/core/calendar/opening-hours.js";
import { readinessCheckTimes, readinessReport } from "../../../src/core/calendar/readiness.js";

const TZ = "Asia/Shanghai";
const at = (iso: string) => DateTime.fromISO(iso, { zone: TZ }).toMillis();
const nine = [
  { open: "09:00", close: "12:00" },
  { open: "13:00", close: "18:00" },
];
const hours = openingHoursSchema.parse({
  timeZone: TZ,
  weekly: {
    mon: nine,
    tue: nine,
    sat: [{ open: "00:00", close: "24:00" }],
    sun: [{ open: "00:00", close: "24:00" }],
  },
});

describe("readiness check", () => {
  it("runs 30 minutes before each opening, including after a lunch break", () => {
    expect(readinessCheckTimes(hours, 30, at("2026-11-23T00:00"), at("2026-11-24T00:00"))).toEqual([
      { checkMs: at("2026-11-23T08:30"), openingMs: at("2026-11-23T09:00") },
      { checkMs: at("2026-11-23T12:30"), openingMs: at("2026-11-23T13:00") },
    ]);
  });

  it("does not count midnight inside a weekend open around the clock as an opening", () => {
    const checks = readinessCheckTimes(hours, 30, at("2026-11-27T00:00"), at("2026-11-30T00:00"));
    expect(checks).toEqual([{ checkMs: at("2026-11-27T23:30"), openingMs: at("2026-11-28T00:00") }]);
  });

  it("lists devices not ready, open faults and inspections due", () => {
    const report = readinessReport({
      hallId: "h",
      openingMs: at("2026-11-23T09:00"),
      generatedMs: at("2026-11-23T08:30"),
      devices: [
        { deviceId: "kiosk-1", kind: "kiosk", name: null, zone: "z", connectivity: "online" },
        { deviceId: "tv-2", kind: "tv", name: null, zone: "z", connectivity: "offline" },
        { deviceId: "ext-3", kind: "extinguisher", name: null, zone: "z", connectivity: "unknown" },
      ],
      openAlerts: [
        {
          id: "a",
          deviceId: "queue-1",
          faultType: "paper_low",
          severity: "warning",
          summary: { en: "x", zh: "x" },
        },
      ],
      inspectionsDue: [{ assetId: "ext-3", dueMs: at("2026-11-23T23:59") }],
    });
    expect(report.ready).toBe(false);
    expect(report.notReady.map((d) => d.deviceId)).toEqual(["ext-3", "tv-2"]);
    expect(report.openAlerts).toHaveLength(1);
    expect(report.inspectionsDue).toHaveLength(1);
    expect(
      readinessReport({ hallId: "h", openingMs: 0, generatedMs: 0, devices: [], openAlerts: [] }).ready,
    ).toBe(true);
  });
});
