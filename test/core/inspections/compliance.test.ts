import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import {
  completeAsset,
  complianceRows,
  DEFAULT_INSPECTION_POLICY,
  dateReminders,
  fireAssetInputSchema,
  type InspectionRecord,
  periodsBetween,
  sensorReadings,
  standingRecords,
  submissionProblems,
  summarize,
} from "../../../src/core/inspections/index.js";

const SH = "Asia/Shanghai";
const at = (iso: string) => DateTime.fromISO(iso, { zone: SH }).toMillis();

function record(
  partial: Partial<InspectionRecord> & Pick<InspectionRecord, "id" | "assetId" | "periodKey" | "inspectedMs">,
): InspectionRecord {
  return {
    hallId: "h1",
    recordedMs: partial.inspectedMs,
    inspector: "guard",
    results: {},
    failedItems: [],
    passed: true,
    note: null,
    photoId: null,
    sensor: [],
    correctsId: null,
    ...partial,
  };
}

describe("compliance rows", () => {
  const weeks = periodsBetween(DEFAULT_INSPECTION_POLICY, at("2026-11-02T00:00"), at("2026-11-30T00:00"), SH);
  const assets = [
    { id: "E1", createdMs: at("2026-01-01T00:00"), retiredMs: null },
    { id: "E2", createdMs: at("2026-11-17T10:00"), retiredMs: null }, // added on a Tuesday: owes from the next week
  ];

  it("done, late, missed, overdue and pending, with the asset's lifetime respected", () => {
    const records = [
      record({ id: "r1", assetId: "E1", periodKey: "2026-11-02", inspectedMs: at("2026-11-02T09:00") }),
      record({ id: "r2", assetId: "E1", periodKey: "2026-11-09", inspectedMs: at("2026-11-11T09:00") }),
      // week of the 16th: E1 missed
      record({ id: "r3", assetId: "E2", periodKey: "2026-11-23", inspectedMs: at("2026-11-23T08:00") }),
    ];
    const now = at("2026-11-24T10:00"); // Tuesday of the week of the 23rd: E1 is overdue
    const rows = complianceRows(assets, weeks, records, now);
    expect(rows.map((r) => `${r.period.key} ${r.assetId} ${r.status}`)).toEqual([
      "2026-11-02 E1 done",
      "2026-11-09 E1 late",
      "2026-11-16 E1 missed",
      "2026-11-23 E1 overdue",
      "2026-11-23 E2 done",
    ]);
    const pendingNow = complianceRows(assets, weeks, [], at("2026-11-23T10:00"));
    expect(pendingNow.filter((r) => r.period.key === "2026-11-23").map((r) => r.status)).toEqual([
      "pending",
      "pending",
    ]);
    expect(summarize(rows)).toMatchObject({
      due: 5,
      done: 2,
      late: 1,
      missed: 1,
      overdue: 1,
      compliancePct: 60,
      onTimePct: 40,
    });
  });

  it("a correction replaces what it corrects and keeps the inspection's time", () => {
    const original = record({
      id: "r1",
      assetId: "E1",
      periodKey: "2026-11-02",
      inspectedMs: at("2026-11-02T09:00"),
      passed: true,
    });
    const correction = record({
      id: "r2",
      assetId: "E1",
      periodKey: "2026-11-02",
      inspectedMs: original.inspectedMs,
      recordedMs: at("2026-11-05T09:00"),
      passed: false,
      failedItems: ["pressure_green"],
      correctsId: "r1",
    });
    expect(standingRecords([original, correction]).map((r) => r.id)).toEqual(["r2"]);
    const [row] = complianceRows(
      [assets[0]!],
      weeks.slice(0, 1),
      [original, correction],
      at("2026-11-30T00:00"),
    );
    expect(row).toMatchObject({ status: "done", recordCount: 2, record: { id: "r2", passed: false } });
    expect(summarize([row!]).failed).toBe(1);
  });

  it("a retired asset owes nothing after it is gone", () => {
    const retired = [{ id: "E9", createdMs: at("2026-01-01T00:00"), retiredMs: at("2026-11-12T00:00") }];
    expect(complianceRows(retired, weeks, [], at("2026-11-30T00:00")).map((r) => r.period.key)).toEqual([
      "2026-11-02",
      "2026-11-09",
    ]);
  });
});

describe("fire assets", () => {
  const base = {
    id: "E-01",
    location: "Lobby, by the door",
    type: "dry_powder",
    size: "4 kg",
    manufactureDate: "2022-03-15",
    pressureMinMpa: 1.2,
    pressureMaxMpa: 1.4,
  } as const;

  it("derives service and scrap dates from GB 50444 service life", () => {
    const powder = completeAsset("h1", fireAssetInputSchema.parse(base));
    expect([powder.nextServiceDate, powder.scrapDate]).toEqual(["2027-03-15", "2032-03-15"]);
    const serviced = completeAsset(
      "h1",
      fireAssetInputSchema.parse({ ...base, lastServiceDate: "2027-03-01" }),
    );
    expect(serviced.nextServiceDate).toBe("2029-03-01");
    const water = completeAsset("h1", fireAssetInputSchema.parse({ ...base, type: "water" }));
    expect([water.nextServiceDate, water.scrapDate]).toEqual(["2025-03-15", "2028-03-15"]);
    const co2 = completeAsset("h1", fireAssetInputSchema.parse({ ...base, type: "co2" }));
    expect(co2.scrapDate).toBe("2034-03-15");
    const hydrant = completeAsset("h1", fireAssetInputSchema.parse({ ...base, type: "hydrant" }));
    expect(hydrant.scrapDate).toBeNull();
  });

  it("configured service life and entered dates win", () => {
    const asset = completeAsset("h1", fireAssetInputSchema.parse(base), {
      dry_powder: { firstServiceYears: 4, serviceEveryYears: 1, scrapYears: 8 },
    });
    expect([asset.nextServiceDate, asset.scrapDate]).toEqual(["2026-03-15", "2030-03-15"]);
    const entered = completeAsset("h1", fireAssetInputSchema.parse({ ...base, scrapDate: "2031-01-01" }));
    expect([entered.scrapDate, entered.scrapDateSource]).toEqual(["2031-01-01", "entered"]);
  });

  it("refuses an inverted green zone and a bad id with the field named", () => {
    const result = fireAssetInputSchema.safeParse({ ...base, id: "has space", pressureMinMpa: 2 });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join("."));
    expect(paths).toContain("id");
  });

  it("reminds 30 days ahead of service and scrap, and of past dates", () => {
    const reminders = dateReminders(
      [
        { id: "A", nextServiceDate: "2026-12-20", scrapDate: "2030-01-01" },
        { id: "B", nextServiceDate: "2027-06-01", scrapDate: "2026-12-23" },
        { id: "C", nextServiceDate: "2026-11-01", scrapDate: null },
        { id: "D", nextServiceDate: "2026-12-24", scrapDate: null },
      ],
      "2026-11-23",
    );
    expect(reminders).toEqual([
      { assetId: "A", what: "service", date: "2026-12-20", daysLeft: 27 },
      { assetId: "B", what: "scrap", date: "2026-12-23", daysLeft: 30 },
      { assetId: "C", what: "service", date: "2026-11-01", daysLeft: -22 },
    ]);
  });
});

describe("checklist and sensor", () => {
  it("every item must be answered, hydrants have no seal and pin", () => {
    expect(submissionProblems({ type: "co2" }, { located: "pass" })).toHaveLength(6);
    const hydrant = {
      located: "pass",
      visible: "pass",
      access_clear: "pass",
      pressure_green: "pass",
      no_damage: "pass",
      hose_present: "pass",
    } as const;
    expect(submissionProblems({ type: "hydrant" }, hydrant)).toEqual([]);
    expect(submissionProblems({ type: "hydrant" }, { ...hydrant, seal_pin_intact: "pass" })).toEqual([
      "results.seal_pin_intact: not on this asset's checklist",
    ]);
  });

  it("flags sensor readings that contradict the checklist", () => {
    const asset = { type: "dry_powder", pressureMinMpa: 1.2, pressureMaxMpa: 1.4 } as const;
    const readings = sensorReadings(asset, {
      pressureMpa: 0.9,
      present: true,
      obstructed: true,
      batteryPct: 80,
    });
    expect(readings.map((r) => [r.item, r.flagged])).toEqual([
      ["pressure_green", true],
      ["located", false],
      ["access_clear", true],
    ]);
    expect(sensorReadings(asset, null)).toEqual([]);
  });
});
