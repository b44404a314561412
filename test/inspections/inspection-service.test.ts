import { DateTime } from "luxon";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AlertService } from "../../src/alerts/alert-service.js";
import { parseRulesConfig } from "../../src/core/faults/config.js";
import type { FireAssetInput } from "../../src/core/inspections/assets.js";
import { CHECK_ITEMS } from "../../src/core/inspections/checklist.js";
import { registerDemoFireAssets } from "../../src/inspections/demo-assets.js";
import { InspectionError, InspectionService } from "../../src/inspections/inspection-service.js";
import { silentLogger } from "../../src/logging.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";
import { AggregatorHarness } from "../aggregator/harness.js";
import { type PlainBroker, startPlainBroker } from "../helpers/plain-broker.js";
import { RawAgent } from "../helpers/raw-agent.js";
import { waitFor } from "../helpers/wait.js";

const SH = "Asia/Shanghai";
const at = (iso: string) => DateTime.fromISO(iso, { zone: SH }).toMillis();
const allPass = (except: string[] = []) =>
  Object.fromEntries(CHECK_ITEMS.map((i) => [i, except.includes(i) ? "fail" : "pass"])) as Record<
    string,
    "pass" | "fail"
  >;
const submission = (results: Record<string, "pass" | "fail">, extra = {}) => ({
  results,
  note: null,
  photo: null,
  sensorConfirmed: [],
  correctsId: null,
  ...extra,
});

function asset(id: string, extra: Partial<FireAssetInput> = {}): FireAssetInput {
  return {
    id,
    location: `Lobby ${id}`,
    type: "dry_powder",
    size: "4 kg",
    manufactureDate: "2024-05-01",
    pressureMinMpa: 1.0,
    pressureMaxMpa: 1.4,
    ...extra,
  };
}

describe("InspectionService with real alerts over a real aggregator", () => {
  let broker: PlainBroker;
  let harness: AggregatorHarness;
  let alerts: AlertService;
  let service: InspectionService;
  let nowMs: number;

  beforeEach(async () => {
    broker = await startPlainBroker();
    harness = new AggregatorHarness(broker.url);
    harness.openDb();
    await harness.provision("h1", ["a1"]);
    await harness.start();
    nowMs = at("2026-11-23T09:00"); // a Monday
    alerts = new AlertService({
      db: harness.db,
      aggregator: harness.aggregator,
      rules: parseRulesConfig({}),
      logger: silentLogger(),
      now: () => nowMs,
    });
    alerts.start();
    service = await InspectionService.open({
      sql: new SqliteEngine(harness.db),
      halls: harness.halls,
      alerts,
      sensor: (hallId, deviceId) => {
        const d = harness.aggregator.presence.device(hallId, deviceId);
        return d
          ? { values: d.values as never, connectivity: d.connectivity, lastSeenMs: d.lastSeenMs }
          : null;
      },
      logger: silentLogger(),
      now: () => nowMs,
    });
  });

  afterEach(async () => {
    service.stop();
    alerts.stop();
    await harness.close();
    await broker.close();
  });

  const active = (faultType: string) =>
    alerts
      .list({ hallIds: ["h1"], limit: 100, offset: 0 })
      .items.filter((a) => a.faultType === faultType && a.status !== "resolved");

  it("shows the live sensor reading, flagged, beside the checklist", async () => {
    const agent = new RawAgent(broker.url, "h1", "a1", 1, [
      { id: "ext-1", kind: "extinguisher", model: "M", zone: "lobby", reportIntervalSec: 900 },
    ]);
    await agent.connect();
    await agent.online();
    await agent.birth();
    await agent.telemetry("ext-1", { pressureMpa: 0.8, present: true, batteryPct: 90 });
    await waitFor(async () => (await harness.device("h1", "ext-1"))?.values?.pressureMpa === 0.8, "reading");
    await service.putAsset("h1", asset("E-01", { sensorDeviceId: "ext-1" }));
    const view = await service.assetView("h1", "E-01");
    expect(view.checklist.map((c) => c.item)).toEqual([...CHECK_ITEMS]);
    expect(view.sensor?.connectivity).toBe("online");
    expect(view.sensor?.readings.find((r) => r.item === "pressure_green")).toMatchObject({
      value: 0.8,
      flagged: true,
    });
    expect(view.period).toMatchObject({ key: "2026-11-23", status: "pending" });
    // The record keeps what the inspector saw.
    const { record } = await service.submit("h1", "E-01", submission(allPass(["pressure_green"])), "guard");
    expect(record.sensor.find((r) => r.item === "pressure_green")?.value).toBe(0.8);
    agent.kill();
  });

  it("a failed item opens an alert and a corrective action; closing the action resolves the alert", async () => {
    await service.putAsset("h1", asset("E-01"));
    const first = await service.submit(
      "h1",
      "E-01",
      submission(allPass(["pressure_green", "no_damage"])),
      "guard",
    );
    expect(first.record.passed).toBe(false);
    expect(first.actions.map((a) => a.item)).toEqual(["pressure_green", "no_damage"]);
    const [alert] = active("inspection_failed");
    expect(alert).toMatchObject({ severity: "major", affected: ["E-01"], kind: "extinguisher" });
    expect(alert!.audience).toEqual(expect.arrayContaining(["security", "duty_manager", "maintenance"]));

    // The same item failing again next week opens no second action; the alert counts the repeat.
    nowMs = at("2026-11-30T09:00");
    const again = await service.submit("h1", "E-01", submission(allPass(["pressure_green"])), "guard");
    expect(again.actions).toEqual([]);
    expect(active("inspection_failed")[0]!.count).toBe(2);

    await service.closeAction(first.actions[0]!.id, "fixer", "recharged");
    expect(active("inspection_failed")).toHaveLength(1);
    await expect(service.closeAction(first.actions[0]!.id, "fixer", "twice")).rejects.toThrow(
      /already closed/,
    );
    await service.closeAction(first.actions[1]!.id, "fixer", "bracket replaced");
    expect(active("inspection_failed")).toHaveLength(0);
  });

  it("a missing extinguisher is critical", async () => {
    await service.putAsset("h1", asset("E-01"));
    await service.submit("h1", "E-01", submission(allPass(["located"])), "guard");
    expect(active("inspection_failed")[0]?.severity).toBe("critical");
  });

  it("overdue after the due day: one alert for the hall listing the assets, resolved when done", async () => {
    nowMs = at("2026-11-16T09:00");
    await service.putAsset("h1", asset("E-01"));
    await service.putAsset("h1", asset("E-02"));
    nowMs = at("2026-11-23T23:59"); // still Monday
    await service.check();
    expect(active("inspection_overdue")).toHaveLength(1); // last week was missed entirely
    await service.submit("h1", "E-01", submission(allPass()), "guard");
    await service.submit("h1", "E-02", submission(allPass()), "guard");
    expect(active("inspection_overdue")).toHaveLength(0);

    nowMs = at("2026-11-30T12:00"); // next Monday, not yet due
    await service.check();
    expect(active("inspection_overdue")).toHaveLength(0);
    nowMs = at("2026-12-01T00:00"); // Tuesday 00:00: past due
    await service.check();
    const [overdue] = active("inspection_overdue");
    expect(overdue).toMatchObject({ affected: ["E-01", "E-02"], severity: "major" });
    expect(overdue!.audience).toEqual(["security", "duty_manager"]);
    nowMs = at("2026-12-01T10:00");
    await service.submit("h1", "E-01", submission(allPass()), "guard");
    expect(active("inspection_overdue")[0]?.affected).toEqual(["E-02"]);
    await service.submit("h1", "E-02", submission(allPass()), "guard");
    expect(active("inspection_overdue")).toHaveLength(0);
    // Done after the due day counts as late in the compliance report.
    const report = await service.compliance("h1", at("2026-11-30T00:00"), at("2026-12-07T00:00"));
    expect(report.rows.map((r) => r.status)).toEqual(["late", "late"]);
  });

  it("a grace period delays the overdue alert", async () => {
    nowMs = at("2026-11-16T09:00");
    await service.putAsset("h1", asset("E-01"));
    await service.submit("h1", "E-01", submission(allPass()), "guard");
    await service.setPolicy("h1", { graceHours: 12 }, "duty");
    nowMs = at("2026-11-24T11:59");
    await service.check();
    expect(active("inspection_overdue")).toHaveLength(0);
    nowMs = at("2026-11-24T12:00");
    await service.check();
    expect(active("inspection_overdue")).toHaveLength(1);
  });

  it("reminds of service and scrap dates 30 days ahead, and forgets once the date moves on", async () => {
    nowMs = at("2026-11-23T09:00");
    await service.putAsset("h1", asset("E-01", { nextServiceDate: "2026-12-20" }));
    await service.putAsset("h1", asset("E-02", { manufactureDate: "2016-12-10" })); // dry powder: scrap at 10 years
    expect(active("service_due")[0]?.affected).toEqual(["E-01", "E-02"]);
    expect(active("scrap_due")[0]?.affected).toEqual(["E-02"]);
    await service.putAsset("h1", asset("E-01", { lastServiceDate: "2026-11-20" }));
    expect(active("service_due")[0]?.affected).toEqual(["E-02"]);
    await service.retireAsset("h1", "E-02");
    expect(active("service_due")).toHaveLength(0);
    expect(active("scrap_due")).toHaveLength(0);
  });

  it("a correction keeps the inspection's period and time, and cannot fork", async () => {
    await service.putAsset("h1", asset("E-01"));
    const wrong = (await service.submit("h1", "E-01", submission(allPass(["hose_present"])), "guard")).record;
    nowMs = at("2026-11-26T10:00");
    const fixed = (
      await service.submit(
        "h1",
        "E-01",
        submission(allPass(), { correctsId: wrong.id, note: "hose was there" }),
        "duty",
      )
    ).record;
    expect(fixed).toMatchObject({
      periodKey: "2026-11-23",
      inspectedMs: wrong.inspectedMs,
      correctsId: wrong.id,
    });
    await expect(
      service.submit("h1", "E-01", submission(allPass(), { correctsId: wrong.id }), "duty"),
    ).rejects.toThrowError(InspectionError);
    const report = await service.compliance("h1", at("2026-11-23T00:00"), at("2026-11-30T00:00"));
    expect(report.rows[0]).toMatchObject({
      status: "done",
      recordCount: 2,
      record: { id: fixed.id, passed: true },
    });
    expect(report.rows[0]!.actions.map((a) => a.item)).toEqual(["hose_present"]);
  });

  it("lists what is due by the end of the opening's day for the readiness report", async () => {
    nowMs = at("2026-11-16T09:00");
    await service.putAsset("h1", asset("E-01"));
    await service.putAsset("h1", asset("E-02"));
    const opening = at("2026-11-23T08:30");
    nowMs = opening;
    expect(service.dueBy("h1", opening)).toEqual([
      { assetId: "E-01", dueMs: at("2026-11-24T00:00") },
      { assetId: "E-02", dueMs: at("2026-11-24T00:00") },
    ]);
    await service.submit("h1", "E-01", submission(allPass()), "guard");
    expect(service.dueBy("h1", opening).map((d) => d.assetId)).toEqual(["E-02"]);
    // On Wednesday nothing new is due (E-02 is overdue and still listed).
    nowMs = at("2026-11-25T08:30");
    expect(service.dueBy("h1", nowMs).map((d) => d.assetId)).toEqual(["E-02"]);
  });

  it("refuses incomplete checklists, unknown assets and bad policies with the problems listed", async () => {
    await service.putAsset("h1", asset("E-01"));
    try {
      await service.submit("h1", "E-01", submission({ located: "pass" }), "guard");
      expect.unreachable();
    } catch (err) {
      expect((err as InspectionError).problems).toContain("results.visible: not answered");
    }
    await expect(service.submit("h1", "nope", submission(allPass()), "guard")).rejects.toThrow(
      /no fire asset nope/,
    );
    await expect(service.setPolicy("h1", { frequency: "yearly" } as never, "duty")).rejects.toThrow(
      /invalid/,
    );
    await expect(service.putAsset("h1", { ...asset("E-02"), pressureMinMpa: 3 })).rejects.toThrow(
      InspectionError,
    );
  });

  it("defect 1: an asset registered at 02:36 on Tue 1 Dec is not due until Mon 7 Dec; inspected then, it counts and shows", async () => {
    nowMs = at("2026-12-01T02:36");
    await service.putAsset("h1", asset("E-NEW"));
    const view = await service.assetView("h1", "E-NEW");
    expect(view.period).toMatchObject({ key: "2026-11-30", status: "not_due", notDueUntil: "2026-12-07" });
    expect(service.statusesNow("h1").get("E-NEW")).toMatchObject({
      status: "not_due",
      notDueUntil: "2026-12-07",
    });

    nowMs = at("2026-12-01T02:40");
    const { record } = await service.submit("h1", "E-NEW", submission(allPass()), "guard");
    expect((await service.assetView("h1", "E-NEW")).period).toMatchObject({
      status: "done",
      notDueUntil: "2026-12-07",
    });
    expect(service.statusesNow("h1").get("E-NEW")?.status).toBe("done");
    const report = await service.compliance("h1", at("2026-12-01T00:00"), at("2026-12-02T00:00"));
    expect(report.rows.find((r) => r.assetId === "E-NEW")).toMatchObject({
      status: "done",
      record: { id: record.id },
    });
    expect(report.summary).toMatchObject({ due: 1, done: 1 });
  });

  it("defect 1: on every weekday and hour, a new asset has a status and its inspection shows at once", async () => {
    for (let hour = 0; hour < 7 * 24; hour += 5) {
      nowMs = at("2026-11-30T00:30") + hour * 3_600_000;
      const id = `E-H${hour}`;
      await service.putAsset("h1", asset(id));
      const before = service.statusesNow("h1").get(id);
      expect(before?.status, `hour ${hour}`).toMatch(/^(pending|overdue|not_due)$/);
      expect(before?.status === "not_due", `hour ${hour}`).toBe(before?.notDueUntil !== null);
      nowMs += 60_000;
      await service.submit("h1", id, submission(allPass()), "guard");
      expect(service.statusesNow("h1").get(id)?.status, `hour ${hour}`).toMatch(/^(done|late)$/);
      const report = await service.compliance("h1", nowMs, nowMs + 1);
      expect(report.rows.find((r) => r.assetId === id)?.record, `hour ${hour}`).not.toBeNull();
    }
  });

  it("defect 1: the demo's fire assets are due, not overdue, on whatever day and hour the demo first starts", async () => {
    for (let day = 0; day < 7; day++) {
      const hallId = `demo-${day}`;
      await harness.provision(hallId, [`${hallId}-a`]);
      nowMs = at("2026-11-30T23:59") + day * 86_400_000 - 12 * 3_600_000 * (day % 2);
      await registerDemoFireAssets(service, hallId);
      const statuses = [...service.statusesNow(hallId).values()];
      expect(statuses.length).toBeGreaterThanOrEqual(2);
      for (const s of statuses) expect(s.status, `day ${day}`).toBe("pending");
    }
  });

  it("defect 1: a demo restarted on a later day keeps its inspection day, so what was missed is overdue", async () => {
    await harness.provision("demo-again", ["demo-again-a"]);
    nowMs = at("2026-12-01T10:00"); // a Tuesday
    await registerDemoFireAssets(service, "demo-again");
    expect(service.policy("demo-again").weekday).toBe("tue");
    nowMs = at("2026-12-03T10:00");
    await registerDemoFireAssets(service, "demo-again");
    expect(service.policy("demo-again").weekday).toBe("tue");
    for (const s of service.statusesNow("demo-again").values()) expect(s.status).toBe("overdue");
  });
});
