import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import {
  assetStatusNow,
  complianceRows,
  DEFAULT_INSPECTION_POLICY,
  type InspectionPolicy,
  type InspectionRecord,
  inspectionPolicySchema,
  periodAt,
  periodsBetween,
  summarize,
} from "../../../src/core/inspections/index.js";

const SH = "Asia/Shanghai";
const BERLIN = "Europe/Berlin";
const at = (iso: string, zone = SH) => DateTime.fromISO(iso, { zone }).toMillis();

const record = (assetId: string, periodKey: string, inspectedMs: number): InspectionRecord => ({
  id: `r-${assetId}-${inspectedMs}`,
  hallId: "h1",
  assetId,
  periodKey,
  inspectedMs,
  recordedMs: inspectedMs,
  inspector: "guard",
  results: {},
  failedItems: [],
  passed: true,
  note: null,
  photoId: null,
  sensor: [],
  correctsId: null,
});

/** Every hour of every weekday of one week (and a few minutes around midnight), as a fake clock. */
function instantsOfAWeek(zone: string, mondayIso: string): number[] {
  const monday = DateTime.fromISO(mondayIso, { zone });
  const out: number[] = [];
  for (let day = 0; day < 7; day++)
    for (const minute of [0, 1, 150, 156, 9 * 60, 12 * 60 + 30, 23 * 60 + 59])
      out.push(monday.plus({ days: day, minutes: minute }).toMillis());
  return out;
}

const POLICIES: [string, InspectionPolicy][] = [
  ["weekly on Monday", DEFAULT_INSPECTION_POLICY],
  [
    "weekly on Thursday, 3 days, 4 h grace",
    inspectionPolicySchema.parse({ weekday: "thu", dueAfterDays: 3, graceHours: 4 }),
  ],
  ["half-monthly", inspectionPolicySchema.parse({ frequency: "half_monthly" })],
  ["monthly", inspectionPolicySchema.parse({ frequency: "monthly", dueAfterDays: 2 })],
];

describe("defect 1: an asset registered at any time of any day has a status, and its inspection counts", () => {
  for (const [zone, monday] of [
    [SH, "2026-11-30"],
    [BERLIN, "2026-03-23"], // the week with the spring DST change on Sunday 29 March
    [BERLIN, "2026-10-19"], // the week with the autumn DST change on Sunday 25 October
  ] as const)
    for (const [name, policy] of POLICIES)
      it(`defect 1: ${name}, ${zone}, week of ${monday}: registered then inspected at once, every weekday and hour`, () => {
        for (const nowMs of instantsOfAWeek(zone, monday)) {
          const asset = { id: "E-9", createdMs: nowMs, retiredMs: null };
          const period = periodAt(policy, nowMs, zone);
          const before = assetStatusNow(policy, asset, [], nowMs, zone);
          const when = DateTime.fromMillis(nowMs, { zone }).toFormat("ccc yyyy-MM-dd HH:mm");
          expect(before.status, when).not.toBeUndefined();
          expect(before.period.key, when).toBe(period.key);
          if (before.status === "not_due") {
            // Not due in this period: the first due period is the next one, and its due day is named.
            expect(before.firstDue, when).not.toBeNull();
            expect(before.firstDue?.periodKey, when).toBe(periodAt(policy, period.endMs, zone).key);
            expect(before.firstDue?.dueMs, when).toBeGreaterThan(nowMs);
          } else {
            expect(["pending", "overdue"], when).toContain(before.status);
            expect(before.firstDue, when).toBeNull();
          }

          const inspectedMs = nowMs + 60_000;
          const records = [record("E-9", periodAt(policy, inspectedMs, zone).key, inspectedMs)];
          const after = assetStatusNow(policy, asset, records, inspectedMs, zone);
          expect(["done", "late"], when).toContain(after.status);
          expect(after.record?.inspectedMs, when).toBe(inspectedMs);

          // The compliance report of the period lists the record and counts it.
          const periods = periodsBetween(policy, inspectedMs, inspectedMs + 1, zone);
          const rows = complianceRows([asset], periods, records, inspectedMs);
          expect(
            rows.map((r) => r.record?.id ?? null),
            when,
          ).toEqual([records[0]?.id]);
          expect(summarize(rows).done + summarize(rows).late, when).toBe(1);
        }
      });

  it("defect 1: registered at 02:36 on Tue 1 Dec (Shanghai) it is not due until Mon 7 Dec", () => {
    const nowMs = at("2026-12-01T02:36");
    const s = assetStatusNow(
      DEFAULT_INSPECTION_POLICY,
      { id: "E-9", createdMs: nowMs, retiredMs: null },
      [],
      nowMs,
      SH,
    );
    expect(s.status).toBe("not_due");
    expect(s.firstDue).toMatchObject({ periodKey: "2026-12-07", dueDay: "2026-12-07" });
    // An inspection done then is not "late" for a week it did not owe.
    const records = [record("E-9", "2026-11-30", nowMs + 60_000)];
    const done = assetStatusNow(
      DEFAULT_INSPECTION_POLICY,
      { id: "E-9", createdMs: nowMs, retiredMs: null },
      records,
      nowMs + 120_000,
      SH,
    );
    expect(done.status).toBe("done");
  });

  it("defect 1: an asset registered on Monday owes that week's inspection, due by the end of Monday", () => {
    const nowMs = at("2026-11-30T09:00");
    const s = assetStatusNow(
      DEFAULT_INSPECTION_POLICY,
      { id: "E-9", createdMs: nowMs, retiredMs: null },
      [],
      nowMs,
      SH,
    );
    expect(s.status).toBe("pending");
    expect(s.dueDay).toBe("2026-11-30");
    const tuesday = assetStatusNow(
      DEFAULT_INSPECTION_POLICY,
      { id: "E-9", createdMs: nowMs, retiredMs: null },
      [],
      at("2026-12-01T02:30"),
      SH,
    );
    expect(tuesday).toMatchObject({ status: "overdue", dueDay: "2026-11-30", firstDue: null });
  });

  it("defect 1: the not-due rows are not counted as due in the summary, the unowed inspection is", () => {
    const policy = DEFAULT_INSPECTION_POLICY;
    const createdMs = at("2026-12-01T10:00");
    const assets = [
      { id: "OLD", createdMs: at("2026-01-01T00:00"), retiredMs: null },
      { id: "NEW", createdMs, retiredMs: null },
      { id: "NEW2", createdMs, retiredMs: null },
    ];
    const periods = periodsBetween(policy, at("2026-11-30T00:00"), at("2026-12-01T00:00"), SH);
    const records = [record("NEW", "2026-11-30", at("2026-12-01T11:00"))];
    const rows = complianceRows(assets, periods, records, at("2026-12-01T12:00"));
    expect(rows.map((r) => `${r.assetId} ${r.status}`)).toEqual(["OLD overdue", "NEW done"]);
    expect(summarize(rows)).toMatchObject({ due: 2, done: 1, overdue: 1 });
  });
});
