import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import {
  appliesTo,
  inMaintenance,
  type MaintenanceWindow,
  maintenanceFor,
  maintenanceWindowSchema,
  windowIntervals,
} from "../../../src/core/calendar/maintenance.js";

const TZ = "Asia/Shanghai";
const at = (iso: string, zone = TZ) => DateTime.fromISO(iso, { zone }).toMillis();
const window = (input: unknown, hallId = "h"): MaintenanceWindow => ({
  ...maintenanceWindowSchema.parse(input),
  id: "w",
  hallId,
  createdBy: "maint",
  createdMs: 0,
});
const kiosk = { hallId: "h", deviceId: "kiosk-1", kind: "kiosk" as const };

describe("maintenance windows", () => {
  it("covers a one-off period", () => {
    const w = window({
      scope: { type: "hall" },
      recurrence: { type: "once", startMs: at("2026-11-23T12:00"), endMs: at("2026-11-23T13:00") },
      reason: "firmware",
    });
    expect(inMaintenance([w], kiosk, TZ, at("2026-11-23T12:30"))).toBe(true);
    expect(inMaintenance([w], kiosk, TZ, at("2026-11-23T13:00"))).toBe(false);
  });

  it("repeats daily, weekly and monthly in the hall's local time", () => {
    const daily = window({
      scope: { type: "kind", kind: "kiosk" },
      recurrence: { type: "daily", start: "02:00", durationMin: 60 },
      reason: "nightly update",
    });
    const week = windowIntervals(daily, TZ, at("2026-11-23T00:00"), at("2026-11-30T00:00"));
    expect(week).toHaveLength(7);
    expect(week[0]).toEqual([at("2026-11-23T02:00"), at("2026-11-23T03:00")]);
    const weekly = window({
      scope: { type: "hall" },
      recurrence: { type: "weekly", weekdays: ["mon", "thu"], start: "07:30", durationMin: 30 },
      reason: "cleaning",
    });
    expect(
      windowIntervals(weekly, TZ, at("2026-11-23T00:00"), at("2026-11-30T00:00")).map(([s]) =>
        DateTime.fromMillis(s, { zone: TZ }).toFormat("ccc HH:mm"),
      ),
    ).toEqual(["Mon 07:30", "Thu 07:30"]);
    const monthly = window({
      scope: { type: "hall" },
      recurrence: { type: "monthly", dayOfMonth: 1, start: "06:00", durationMin: 120 },
      reason: "UPS test",
    });
    expect(windowIntervals(monthly, TZ, at("2026-11-01T00:00"), at("2027-01-01T00:00"))).toEqual([
      [at("2026-11-01T06:00"), at("2026-11-01T08:00")],
      [at("2026-12-01T06:00"), at("2026-12-01T08:00")],
    ]);
  });

  it("follows a cron expression, including a window that began before the range", () => {
    const cron = window({
      scope: { type: "device", deviceId: "kiosk-1" },
      recurrence: { type: "cron", expression: "0 23 * * 0", durationMin: 180 },
      reason: "weekly reimage",
    });
    // Sunday 23:00 → Monday 02:00; asked from Monday 00:00 only the part after midnight counts.
    expect(windowIntervals(cron, TZ, at("2026-11-23T00:00"), at("2026-11-24T00:00"))).toEqual([
      [at("2026-11-23T00:00"), at("2026-11-23T02:00")],
    ]);
  });

  it("keeps local times across a daylight-saving change", () => {
    const daily = window({
      scope: { type: "hall" },
      recurrence: { type: "daily", start: "06:00", durationMin: 60 },
      reason: "x",
    });
    const zone = "Europe/Berlin";
    const [before, after] = windowIntervals(
      daily,
      zone,
      at("2026-03-28T00:00", zone),
      at("2026-03-30T00:00", zone),
    );
    expect(DateTime.fromMillis(before![0], { zone }).toFormat("HH:mm")).toBe("06:00");
    expect(DateTime.fromMillis(after![0], { zone }).toFormat("HH:mm")).toBe("06:00");
  });

  it("applies by scope: a hall, a kind or one device", () => {
    const kinds = window({
      scope: { type: "kind", kind: "tv" },
      recurrence: { type: "daily", start: "02:00", durationMin: 60 },
      reason: "x",
    });
    expect(appliesTo(kinds, kiosk)).toBe(false);
    expect(appliesTo(kinds, { ...kiosk, kind: "tv" })).toBe(true);
    expect(
      appliesTo(
        window(
          {
            scope: { type: "hall" },
            recurrence: { type: "daily", start: "02:00", durationMin: 60 },
            reason: "x",
          },
          "other",
        ),
        kiosk,
      ),
    ).toBe(false);
    expect(maintenanceFor([kinds], kiosk, TZ, 0, at("2026-11-24T00:00"))).toEqual([]);
  });

  it("rejects bad windows with clear messages", () => {
    const r = maintenanceWindowSchema.safeParse({
      scope: { type: "kind", kind: "toaster" },
      recurrence: { type: "cron", expression: "every tuesday", durationMin: 0 },
      reason: "",
    });
    expect(r.success).toBe(false);
    const text = r.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n") ?? "";
    expect(text).toMatch(/scope.kind/);
    expect(text).toMatch(/recurrence.expression: not a valid cron expression/);
    expect(text).toMatch(/recurrence.durationMin/);
    expect(text).toMatch(/reason/);
  });
});
