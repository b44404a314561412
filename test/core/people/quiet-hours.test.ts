import { describe, expect, it } from "vitest";
import { inQuietHours } from "../../../src/core/people/quiet-hours.js";

const at = (iso: string) => Date.parse(iso);

describe("quiet hours on the person's own clock", () => {
  const night = { start: "22:00", end: "07:00", zone: "Asia/Shanghai" };

  it("a window across midnight: quiet late evening and early morning, not in the day", () => {
    expect(inQuietHours(night, at("2026-12-01T14:00:00Z"))).toBe(true); // 22:00 Shanghai
    expect(inQuietHours(night, at("2026-12-01T13:59:00Z"))).toBe(false); // 21:59
    expect(inQuietHours(night, at("2026-12-01T18:00:00Z"))).toBe(true); // 02:00 next day
    expect(inQuietHours(night, at("2026-12-01T22:59:00Z"))).toBe(true); // 06:59
    expect(inQuietHours(night, at("2026-12-01T23:00:00Z"))).toBe(false); // 07:00: the end is not quiet
    expect(inQuietHours(night, at("2026-12-02T04:00:00Z"))).toBe(false); // 12:00
  });

  it("a window within one day", () => {
    const lunch = { start: "12:00", end: "13:30", zone: "Asia/Shanghai" };
    expect(inQuietHours(lunch, at("2026-12-01T04:30:00Z"))).toBe(true); // 12:30
    expect(inQuietHours(lunch, at("2026-12-01T05:30:00Z"))).toBe(false); // 13:30
    expect(inQuietHours(lunch, at("2026-12-01T03:59:00Z"))).toBe(false); // 11:59
  });

  it("follows the zone's DST: 22:00–07:00 in Berlin is 21:00–06:00 UTC in winter, 20:00–05:00 in summer", () => {
    const berlin = { start: "22:00", end: "07:00", zone: "Europe/Berlin" };
    expect(inQuietHours(berlin, at("2026-01-15T20:30:00Z"))).toBe(false); // 21:30 CET
    expect(inQuietHours(berlin, at("2026-07-15T20:30:00Z"))).toBe(true); // 22:30 CEST
    expect(inQuietHours(berlin, at("2026-07-15T05:30:00Z"))).toBe(false); // 07:30 CEST
    expect(inQuietHours(berlin, at("2026-01-15T05:30:00Z"))).toBe(true); // 06:30 CET
    // The spring-forward night (29 March 2026, 02:00 → 03:00): still quiet on both sides of the gap.
    expect(inQuietHours(berlin, at("2026-03-29T00:59:00Z"))).toBe(true); // 01:59 CET
    expect(inQuietHours(berlin, at("2026-03-29T01:00:00Z"))).toBe(true); // 03:00 CEST
    expect(inQuietHours(berlin, at("2026-03-29T04:59:00Z"))).toBe(true); // 06:59 CEST
    expect(inQuietHours(berlin, at("2026-03-29T05:00:00Z"))).toBe(false); // 07:00 CEST
    // The autumn night (25 October 2026, 03:00 → 02:00): both 02:30s are quiet.
    expect(inQuietHours(berlin, at("2026-10-25T00:30:00Z"))).toBe(true);
    expect(inQuietHours(berlin, at("2026-10-25T01:30:00Z"))).toBe(true);
    expect(inQuietHours(berlin, at("2026-10-25T06:00:00Z"))).toBe(false); // 07:00 CET
  });

  it("no window, or an empty one, is never quiet", () => {
    expect(inQuietHours(null, at("2026-12-01T18:00:00Z"))).toBe(false);
    expect(inQuietHours({ start: "08:00", end: "08:00", zone: "UTC" }, at("2026-12-01T08:00:00Z"))).toBe(
      false,
    );
  });
});
