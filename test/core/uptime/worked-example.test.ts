import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { type MaintenanceWindow, maintenanceWindowSchema } from "../../../src/core/calendar/maintenance.js";
import { openingHoursSchema } from "../../../src/core/calendar/opening-hours.js";
import { expectedUpIntervals } from "../../../src/core/calendar/watch-policy.js";
import type { StateSpan } from "../../../src/core/uptime/availability.js";
import { calendarBuckets } from "../../../src/core/uptime/buckets.js";
import { rollUp } from "../../../src/core/uptime/rollup.js";

// The figures below are copied from docs/uptime.md ("Worked examples"), where they were computed by hand.
const MIN = 60_000;
const window = (hallId: string, input: unknown): MaintenanceWindow => ({
  ...maintenanceWindowSchema.parse(input),
  id: "w1",
  hallId,
  createdBy: "maint",
  createdMs: 0,
});

describe("worked example 1: a kiosk in Shanghai, Monday 2026-11-23", () => {
  const zone = "Asia/Shanghai";
  const at = (hhmm: string) => DateTime.fromISO(`2026-11-23T${hhmm}`, { zone }).toMillis();
  it("gives the hand-computed figures", () => {
    const hours = openingHoursSchema.parse({
      timeZone: zone,
      weekly: { mon: [{ open: "09:00", close: "18:00" }] },
    });
    const windows = [
      window("sh-01", {
        scope: { type: "hall" },
        recurrence: { type: "once", startMs: at("12:00"), endMs: at("12:30") },
        reason: "UPS test",
      }),
    ];
    const kiosk = { hallId: "sh-01", deviceId: "kiosk-1", kind: "kiosk" as const };
    const fromMs = at("00:00");
    const toMs = fromMs + 24 * 60 * MIN;
    const { watched, maintenance } = expectedUpIntervals(kiosk, hours, windows, fromMs, toMs);
    const history: StateSpan[] = [
      { connectivity: "online", startMs: at("08:00"), endMs: at("10:00") },
      { connectivity: "offline", startMs: at("10:00"), endMs: at("10:45") },
      { connectivity: "online", startMs: at("10:45"), endMs: at("20:00") },
      { connectivity: "offline", startMs: at("20:00"), endMs: at("22:00") },
      { connectivity: "online", startMs: at("22:00"), endMs: null },
    ];
    const faults = [
      { openedMs: at("10:01"), resolvedMs: at("10:46") },
      { openedMs: at("20:01"), resolvedMs: at("22:01") },
    ];
    const { devices } = rollUp([{ ...kiosk, history, watched, maintenance, faults }], fromMs, toMs, toMs);
    expect(devices[0]).toEqual({
      ...kiosk,
      expectedMs: 510 * MIN,
      maintenanceMs: 30 * MIN,
      downMs: 45 * MIN,
      unknownMs: 0,
      upMs: 465 * MIN,
      ratio: 465 / 510,
      failures: 2,
      resolvedFailures: 2,
      repairMs: 165 * MIN,
      mtbfMs: 232.5 * MIN,
      mttrMs: 82.5 * MIN,
    });
    expect((devices[0]?.ratio ?? 0) * 100).toBeCloseTo(91.18, 2);
  });
});

describe("worked example 2: an extinguisher in Berlin on the 25-hour day, Sunday 2026-10-25", () => {
  const zone = "Europe/Berlin";
  // Explicit offsets: 01:30 and 02:30 happen twice that night.
  const iso = (s: string) => DateTime.fromISO(s, { setZone: true }).toMillis();
  it("gives the hand-computed figures", () => {
    const fromMs = iso("2026-10-25T00:00+02:00");
    const toMs = iso("2026-10-26T00:00+01:00");
    const [day] = calendarBuckets(zone, "day", fromMs, toMs);
    expect(day).toEqual({ label: "2026-10-25", startMs: fromMs, endMs: toMs });
    expect(toMs - fromMs).toBe(1_500 * MIN);

    const hours = openingHoursSchema.parse({ timeZone: zone, weekly: {} }); // closed: fire equipment is watched anyway
    const windows = [
      window("be-01", {
        scope: { type: "hall" },
        recurrence: {
          type: "once",
          startMs: iso("2026-10-25T10:00+01:00"),
          endMs: iso("2026-10-25T11:00+01:00"),
        },
        reason: "sprinkler test",
      }),
    ];
    const ext = { hallId: "be-01", deviceId: "ext-7", kind: "extinguisher" as const };
    const { watched, maintenance } = expectedUpIntervals(ext, hours, windows, fromMs, toMs);
    const history: StateSpan[] = [
      {
        connectivity: "online",
        startMs: iso("2026-10-24T22:00+02:00"),
        endMs: iso("2026-10-25T01:30+02:00"),
      },
      {
        connectivity: "offline",
        startMs: iso("2026-10-25T01:30+02:00"),
        endMs: iso("2026-10-25T02:30+01:00"),
      },
      {
        connectivity: "online",
        startMs: iso("2026-10-25T02:30+01:00"),
        endMs: iso("2026-10-25T20:00+01:00"),
      },
      {
        connectivity: "unknown",
        startMs: iso("2026-10-25T20:00+01:00"),
        endMs: iso("2026-10-25T20:30+01:00"),
      },
      { connectivity: "online", startMs: iso("2026-10-25T20:30+01:00"), endMs: null },
    ];
    const faults = [
      { openedMs: iso("2026-10-25T01:31+02:00"), resolvedMs: iso("2026-10-25T02:35+01:00") },
      { openedMs: iso("2026-10-25T14:00+01:00"), resolvedMs: iso("2026-10-25T14:20+01:00") },
      { openedMs: iso("2026-10-25T14:10+01:00"), resolvedMs: iso("2026-10-25T14:40+01:00") },
    ];
    const { devices } = rollUp([{ ...ext, history, watched, maintenance, faults }], fromMs, toMs, toMs);
    expect(devices[0]).toEqual({
      ...ext,
      expectedMs: 1_440 * MIN,
      maintenanceMs: 60 * MIN,
      downMs: 120 * MIN,
      unknownMs: 30 * MIN,
      upMs: 1_290 * MIN,
      ratio: 1_290 / 1_410,
      failures: 2,
      resolvedFailures: 2,
      repairMs: 164 * MIN,
      mtbfMs: 645 * MIN,
      mttrMs: 82 * MIN,
    });
    expect((devices[0]?.ratio ?? 0) * 100).toBeCloseTo(91.49, 2);
    const spring = calendarBuckets(zone, "day", iso("2026-03-29T00:00+01:00"), iso("2026-03-30T00:00+02:00"));
    expect(spring.map((b) => (b.endMs - b.startMs) / MIN)).toEqual([1_380]);
  });
});
