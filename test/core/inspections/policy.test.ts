import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_INSPECTION_POLICY,
  inspectionPolicySchema,
  periodAt,
  periodByKey,
  periodsBetween,
} from "../../../src/core/inspections/policy.js";

const SH = "Asia/Shanghai";
const at = (iso: string, zone = SH) => DateTime.fromISO(iso, { zone }).toMillis();
const local = (ms: number, zone = SH) => DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd HH:mm");

describe("inspection periods", () => {
  it("weekly on Monday, due by the end of Monday in the hall's zone", () => {
    const p = periodAt(DEFAULT_INSPECTION_POLICY, at("2026-11-25T15:00"), SH); // a Wednesday
    expect(p.key).toBe("2026-11-23");
    expect(p.label).toBe("2026-W48");
    expect(local(p.startMs)).toBe("2026-11-23 00:00");
    expect(local(p.dueMs)).toBe("2026-11-24 00:00");
    expect(p.overdueMs).toBe(p.dueMs);
    expect(local(p.endMs)).toBe("2026-11-30 00:00");
  });

  it("Monday 00:00 starts a new week and Sunday 23:59 still belongs to the last one", () => {
    expect(periodAt(DEFAULT_INSPECTION_POLICY, at("2026-11-30T00:00"), SH).key).toBe("2026-11-30");
    expect(periodAt(DEFAULT_INSPECTION_POLICY, at("2026-11-29T23:59"), SH).key).toBe("2026-11-23");
  });

  it("the same instant falls in different weeks in different zones", () => {
    const instant = Date.UTC(2026, 10, 29, 20, 0); // Sunday 20:00 UTC = Monday 04:00 in Shanghai
    expect(periodAt(DEFAULT_INSPECTION_POLICY, instant, SH).key).toBe("2026-11-30");
    expect(periodAt(DEFAULT_INSPECTION_POLICY, instant, "Europe/London").key).toBe("2026-11-23");
  });

  it("crosses the year with ISO week numbers", () => {
    const p = periodAt(DEFAULT_INSPECTION_POLICY, at("2027-01-01T12:00"), SH); // a Friday
    expect(p.key).toBe("2026-12-28");
    expect(p.label).toBe("2026-W53");
  });

  it("another weekday, two days to do it and a grace period", () => {
    const policy = inspectionPolicySchema.parse({ weekday: "fri", dueAfterDays: 2, graceHours: 6 });
    const p = periodAt(policy, at("2026-11-23T09:00"), SH);
    expect(p.key).toBe("2026-11-20");
    expect(local(p.dueMs)).toBe("2026-11-22 00:00");
    expect(local(p.overdueMs)).toBe("2026-11-22 06:00");
  });

  it("half-monthly: the 1st and the 16th, February's second half is 13 days", () => {
    const policy = inspectionPolicySchema.parse({ frequency: "half_monthly" });
    const feb = periodsBetween(policy, at("2027-02-01T00:00"), at("2027-03-01T00:00"), SH);
    expect(feb.map((p) => [p.key, p.label, local(p.endMs)])).toEqual([
      ["2027-02-01", "2027-02 H1", "2027-02-16 00:00"],
      ["2027-02-16", "2027-02 H2", "2027-03-01 00:00"],
    ]);
  });

  it("monthly periods follow calendar months", () => {
    const policy = inspectionPolicySchema.parse({ frequency: "monthly", dueAfterDays: 5 });
    const p = periodAt(policy, at("2026-12-31T23:00"), SH);
    expect([p.key, p.label, local(p.dueMs), local(p.endMs)]).toEqual([
      "2026-12-01",
      "2026-12",
      "2026-12-06 00:00",
      "2027-01-01 00:00",
    ]);
  });

  it("a week with a DST change is 167 or 169 hours long and the due time stays at local midnight", () => {
    const berlin = "Europe/Berlin";
    const spring = periodAt(DEFAULT_INSPECTION_POLICY, at("2027-03-28T12:00", berlin), berlin);
    expect(spring.key).toBe("2027-03-22");
    expect((spring.endMs - spring.startMs) / 3_600_000).toBe(167);
    const autumn = periodAt(DEFAULT_INSPECTION_POLICY, at("2026-10-25T12:00", berlin), berlin);
    expect((autumn.endMs - autumn.startMs) / 3_600_000).toBe(169);
    expect(local(autumn.dueMs, berlin)).toBe("2026-10-20 00:00");
  });

  it("periodByKey finds a period only by its first day", () => {
    expect(periodByKey(DEFAULT_INSPECTION_POLICY, "2026-11-23", SH)?.label).toBe("2026-W48");
    expect(periodByKey(DEFAULT_INSPECTION_POLICY, "2026-11-24", SH)).toBeNull();
    expect(periodByKey(DEFAULT_INSPECTION_POLICY, "not-a-date", SH)).toBeNull();
  });

  it("refuses a due day longer than the shortest period", () => {
    expect(inspectionPolicySchema.safeParse({ dueAfterDays: 8 }).success).toBe(false);
    expect(inspectionPolicySchema.safeParse({ frequency: "half_monthly", dueAfterDays: 14 }).success).toBe(
      false,
    );
    expect(inspectionPolicySchema.safeParse({ frequency: "monthly", dueAfterDays: 28 }).success).toBe(true);
  });

  it("periods tile time: contiguous, each containing its own start, due inside it", () => {
    const zones = [
      "Asia/Shanghai",
      "Europe/Berlin",
      "America/New_York",
      "Asia/Kolkata",
      "Australia/Lord_Howe",
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.constantFrom("weekly", "half_monthly", "monthly"),
        fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 0, 1) }),
        fc.integer({ min: 1, max: 120 }),
        (zone, frequency, fromMs, days) => {
          const policy = inspectionPolicySchema.parse({ frequency });
          const toMs = fromMs + days * 86_400_000;
          const periods = periodsBetween(policy, fromMs, toMs, zone);
          expect(periods[0]!.startMs).toBeLessThanOrEqual(fromMs);
          expect(periods.at(-1)!.endMs).toBeGreaterThanOrEqual(toMs);
          for (const [i, p] of periods.entries()) {
            expect(periodAt(policy, p.startMs, zone).key).toBe(p.key);
            expect(periodAt(policy, p.endMs - 1, zone).key).toBe(p.key);
            expect(p.dueMs).toBeGreaterThan(p.startMs);
            expect(p.dueMs).toBeLessThanOrEqual(p.endMs);
            if (i > 0) expect(p.startMs).toBe(periods[i - 1]!.endMs);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
