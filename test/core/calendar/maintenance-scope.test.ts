import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import {
  type MaintenanceWindow,
  maintenanceIntervals,
  maintenanceWindowSchema,
  windowsCovering,
} from "../../../src/core/calendar/maintenance.js";

const TZ = "Asia/Shanghai";
const at = (iso: string) => DateTime.fromISO(iso, { zone: TZ }).toMillis();
const window = (id: string, input: unknown, extra: Partial<MaintenanceWindow> = {}): MaintenanceWindow => ({
  ...maintenanceWindowSchema.parse(input),
  id,
  hallId: "h",
  createdBy: "li.wei",
  createdMs: 0,
  ...extra,
});
const kiosk = { hallId: "h", deviceId: "kiosk-1", kind: "kiosk" as const };

const nightly = window("nightly", {
  scope: { type: "kind", kind: "kiosk" },
  recurrence: { type: "daily", start: "02:00", durationMin: 60 },
  reason: "nightly update",
});
const printer = window("printer", {
  scope: { type: "device", deviceId: "kiosk-1" },
  recurrence: { type: "once", startMs: at("2026-11-23T02:30"), endMs: at("2026-11-23T04:00") },
  reason: "printer swap",
});
const otherDevice = window("other", {
  scope: { type: "device", deviceId: "kiosk-2" },
  recurrence: { type: "daily", start: "00:00", durationMin: 1440 },
  reason: "broken",
});

describe("windowsCovering and maintenanceIntervals", () => {
  it("names the windows covering an instant, with who and why", () => {
    const covering = windowsCovering([nightly, printer, otherDevice], kiosk, TZ, at("2026-11-23T02:45"));
    expect(covering.map((w) => [w.id, w.createdBy, w.reason])).toEqual([
      ["nightly", "li.wei", "nightly update"],
      ["printer", "li.wei", "printer swap"],
    ]);
    expect(windowsCovering([nightly, printer], kiosk, TZ, at("2026-11-23T04:00"))).toEqual([]);
  });

  it("merges the periods of every window that applies to the device", () => {
    expect(
      maintenanceIntervals(
        [nightly, printer, otherDevice],
        kiosk,
        TZ,
        at("2026-11-23T00:00"),
        at("2026-11-24T00:00"),
      ),
    ).toEqual([[at("2026-11-23T02:00"), at("2026-11-23T04:00")]]);
  });

  it("keeps a removed window's past periods and drops its later ones", () => {
    const removed = { ...nightly, removedMs: at("2026-11-24T12:00") };
    expect(
      maintenanceIntervals([removed], kiosk, TZ, at("2026-11-23T00:00"), at("2026-11-27T00:00")).map(([s]) =>
        DateTime.fromMillis(s, { zone: TZ }).toISODate(),
      ),
    ).toEqual(["2026-11-23", "2026-11-24"]);
    // Removed in the middle of a period: the period ends there.
    const cut = { ...nightly, removedMs: at("2026-11-23T02:20") };
    expect(maintenanceIntervals([cut], kiosk, TZ, at("2026-11-23T00:00"), at("2026-11-24T00:00"))).toEqual([
      [at("2026-11-23T02:00"), at("2026-11-23T02:20")],
    ]);
  });
});
