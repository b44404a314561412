import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { type MaintenanceWindow, maintenanceWindowSchema } from "../../../src/core/calendar/maintenance.js";
import { openingHoursSchema } from "../../../src/core/calendar/opening-hours.js";
import {
  DEFAULT_READINESS_LEAD_MIN,
  readinessCheckTimes,
  readinessReport,
} from "../../../src/core/calendar/readiness.js";
import { expectedUpIntervals, watchedIntervals } from "../../../src/core/calendar/watch-policy.js";

const z = "Asia/Shanghai";
const at = (hhmm: string, date = "2026-11-23") => DateTime.fromISO(`${date}T${hhmm}`, { zone: z }).toMillis();
const hours = openingHoursSchema.parse({ timeZone: z, weekly: { mon: [{ open: "09:00", close: "18:00" }] } });
const dayFrom = at("00:00");
const dayTo = at("00:00", "2026-11-24");
const window = (input: unknown): MaintenanceWindow => ({
  ...maintenanceWindowSchema.parse(input),
  id: "w",
  hallId: "h",
  createdBy: "maint",
  createdMs: 0,
});
const hallNoon = window({
  scope: { type: "hall" },
  recurrence: { type: "daily", start: "12:00", durationMin: 30 },
  reason: "power test",
});

describe("watchedIntervals", () => {
  it("is opening hours for kiosks, the whole range for fire equipment, and configurable per kind", () => {
    expect(watchedIntervals("kiosk", hours, dayFrom, dayTo)).toEqual([[at("09:00"), at("18:00")]]);
    expect(watchedIntervals("extinguisher", hours, dayFrom, dayTo)).toEqual([[dayFrom, dayTo]]);
    expect(watchedIntervals("kiosk", null, dayFrom, dayTo)).toEqual([[dayFrom, dayTo]]);
    expect(watchedIntervals("kiosk", hours, dayFrom, dayTo, new Set(["kiosk"]))).toEqual([[dayFrom, dayTo]]);
    expect(watchedIntervals("gateway", hours, dayFrom, dayTo, new Set())).toEqual([
      [at("09:00"), at("18:00")],
    ]);
    expect(watchedIntervals("gateway", hours, dayTo, dayFrom)).toEqual([]);
  });
});

describe("expectedUpIntervals", () => {
  it("is watched time minus the device's maintenance", () => {
    const kiosk = { hallId: "h", deviceId: "k1", kind: "kiosk" as const };
    expect(expectedUpIntervals(kiosk, hours, [hallNoon], dayFrom, dayTo)).toEqual({
      watched: [[at("09:00"), at("18:00")]],
      maintenance: [[at("12:00"), at("12:30")]],
      expected: [
        [at("09:00"), at("12:00")],
        [at("12:30"), at("18:00")],
      ],
    });
    const hydrant = { hallId: "h", deviceId: "hy1", kind: "hydrant" as const };
    expect(expectedUpIntervals(hydrant, hours, [hallNoon], dayFrom, dayTo).expected).toEqual([
      [dayFrom, at("12:00")],
      [at("12:30"), dayTo],
    ]);
  });

  it("reads windows in options.timeZone when the hall has no opening hours", () => {
    const kiosk = { hallId: "h", deviceId: "k1", kind: "kiosk" as const };
    const berlin = expectedUpIntervals(kiosk, null, [hallNoon], dayFrom, dayTo, {
      timeZone: "Europe/Berlin",
    });
    // 12:00 in Berlin (CET, UTC+1) is 19:00 in Shanghai.
    expect(berlin.maintenance).toEqual([[at("19:00"), at("19:30")]]);
  });
});

describe("readinessReport", () => {
  const device = (
    deviceId: string,
    kind: "kiosk" | "tv" | "extinguisher",
    connectivity: string,
    mustBeUp?: boolean,
  ) => ({
    deviceId,
    kind,
    name: null,
    zone: "lobby",
    connectivity: connectivity as "online" | "offline" | "unknown",
    ...(mustBeUp === undefined ? {} : { mustBeUp }),
  });

  it("lists only devices that must be up and are not online, fire equipment first; inspections by due time", () => {
    const report = readinessReport({
      hallId: "h",
      openingMs: at("09:00"),
      generatedMs: at("08:30"),
      devices: [
        device("tv-2", "tv", "offline"),
        device("kiosk-1", "kiosk", "online"),
        device("kiosk-3", "kiosk", "offline", false), // in maintenance at opening
        device("ext-1", "extinguisher", "unknown"),
      ],
      openAlerts: [],
      inspectionsDue: [
        { assetId: "hyd-1", dueMs: at("23:59") },
        { assetId: "ext-1", dueMs: at("12:00") },
      ],
    });
    expect(report.notReady.map((d) => d.deviceId)).toEqual(["ext-1", "tv-2"]);
    expect(report.inspectionsDue.map((i) => i.assetId)).toEqual(["ext-1", "hyd-1"]);
    expect(report.ready).toBe(false);
  });

  it("is ready when every device that must be up is online and no alert is open", () => {
    const report = readinessReport({
      hallId: "h",
      openingMs: at("09:00"),
      generatedMs: at("08:30"),
      devices: [device("kiosk-1", "kiosk", "online"), device("tv-1", "tv", "offline", false)],
      openAlerts: [],
      inspectionsDue: [{ assetId: "ext-1", dueMs: at("23:59") }],
    });
    expect(report).toMatchObject({ ready: true, notReady: [], openAlerts: [] });
  });
});

describe("readinessCheckTimes in a hall with daylight saving", () => {
  it("checks 30 min before 09:00 local on the days around both Berlin changes, each once across polls", () => {
    const bz = "Europe/Berlin";
    const nine = [{ open: "09:00", close: "18:00" }];
    const berlin = openingHoursSchema.parse({
      timeZone: bz,
      weekly: { fri: nine, sat: nine, sun: nine, mon: nine },
    });
    for (const [from, expected] of [
      ["2026-03-27", ["2026-03-27", "2026-03-28", "2026-03-29", "2026-03-30"]],
      ["2026-10-23", ["2026-10-23", "2026-10-24", "2026-10-25", "2026-10-26"]],
    ] as const) {
      const fromMs = DateTime.fromISO(from, { zone: bz }).toMillis();
      const toMs = fromMs + 4 * 86_400_000;
      // Polled hour by hour, as a service would: every check shows up exactly once.
      const checks = [];
      for (let t = fromMs; t < toMs; t += 3_600_000)
        checks.push(
          ...readinessCheckTimes(berlin, DEFAULT_READINESS_LEAD_MIN, t, Math.min(toMs, t + 3_600_000)),
        );
      expect(
        checks.map((c) => DateTime.fromMillis(c.checkMs, { zone: bz }).toFormat("yyyy-MM-dd HH:mm")),
      ).toEqual(expected.map((d) => `${d} 08:30`));
    }
  });
});
