import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Weekday, weekdayOf } from "../../src/core/calendar/local-time.js";
import { CHECK_ITEMS } from "../../src/core/inspections/checklist.js";
import { waitFor } from "../helpers/wait.js";
import { DemoServer, TINY_PNG_BASE64 } from "./demo-server.js";

const HALL = "demo-hall";
/** Today in the demo hall's zone (the server's clock: under faketime, the faked one). */
const hallToday = () => DateTime.now().setZone("Asia/Shanghai").toISODate() as string;
const hallWeekday = () => weekdayOf(DateTime.now().setZone("Asia/Shanghai"));
const allPass = (fail: string[] = []) =>
  Object.fromEntries(CHECK_ITEMS.map((i) => [i, fail.includes(i) ? "fail" : "pass"]));

describe("inspection API on the demo server", () => {
  const demo = new DemoServer();
  let startWeekday: Weekday = "mon";

  beforeAll(async () => {
    startWeekday = hallWeekday();
    await demo.start();
  });
  afterAll(async () => {
    await demo.stop();
  });

  it("lists the demo hall's fire assets, each linked to its sensor, with this period's status", async () => {
    const { status, body } = await demo.json("floor", "GET", `/api/halls/${HALL}/fire-assets`);
    expect(status).toBe(200);
    expect(body.items.map((a: any) => a.id)).toEqual([
      "E-01",
      "E-02",
      "E-03",
      "E-04",
      "E-05",
      "E-06",
      "E-07",
      "E-08",
      "H-01",
      "H-02",
    ]);
    expect(body.items[0]).toMatchObject({ sensorDeviceId: "ext-1", nextServiceDate: "2027-05-10" });
    // The demo hall inspects on the weekday it first started, so its assets are due that day, not overdue.
    expect(body.policy).toMatchObject({ frequency: "weekly", weekday: startWeekday });
    if (hallWeekday() === startWeekday) expect(body.items[0].currentStatus).toBe("pending");
    else expect(body.items[0].currentStatus).toBe("overdue"); // the test ran across the hall's midnight
  });

  it("defect 1: an asset registered now, on any day at any hour, has a status, and its inspection shows at once", async () => {
    const put = await demo.json("maint", "PUT", `/api/halls/${HALL}/fire-assets/E-77`, {
      location: "Side door",
      type: "dry_powder",
      size: "4 kg",
      manufactureDate: "2025-03-01",
      pressureMinMpa: 1.0,
      pressureMaxMpa: 1.4,
    });
    expect(put.status).toBe(200);
    const listed = async () =>
      (await demo.json("floor", "GET", `/api/halls/${HALL}/fire-assets`)).body.items.find(
        (a: any) => a.id === "E-77",
      );
    const before = await listed();
    expect(["pending", "overdue", "not_due"]).toContain(before.currentStatus);
    if (before.currentStatus === "not_due") expect(before.notDueUntil).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    else expect(before.notDueUntil).toBeNull();
    const view = await demo.json("guard", "GET", `/api/halls/${HALL}/fire-assets/E-77`);
    expect(view.body.period.status).toBe(before.currentStatus);

    const done = await demo.json("guard", "POST", `/api/halls/${HALL}/fire-assets/E-77/inspections`, {
      results: allPass(),
    });
    expect(done.status).toBe(201);
    expect(["done", "late"]).toContain((await listed()).currentStatus);
    const today = hallToday();
    const report = await demo.json(
      "floor",
      "GET",
      `/api/halls/${HALL}/inspection-compliance?from=${today}&to=${today}`,
    );
    expect(report.body.rows.find((r: any) => r.assetId === "E-77")?.record?.id).toBe(done.body.record.id);
  });

  it("defect 10: an all-pass that contradicts a flagged sensor item is refused unless confirmed against the sensor", async () => {
    demo.simulator.inject(HALL, "ext-6", "removed");
    await waitFor(async () => {
      const view = await demo.json("guard", "GET", `/api/halls/${HALL}/fire-assets/E-06`);
      return view.body.sensor?.readings.some((r: any) => r.item === "located" && r.flagged) === true;
    }, "E-06's sensor says it is not on its bracket");
    const path = `/api/halls/${HALL}/fire-assets/E-06/inspections`;
    const blind = await demo.json("guard", "POST", path, { results: allPass() });
    expect(blind.status).toBe(400);
    expect(blind.body.error.message).toMatch(/sensor/);
    expect(blind.body.error.details.join("\n")).toMatch(
      /results\.located: .*not on its bracket.*sensorConfirmed/,
    );
    const records = await demo.json("floor", "GET", `/api/halls/${HALL}/inspections?assetId=E-06`);
    expect(records.body.items).toEqual([]);

    // Answered fail: recorded. Confirmed pass against the sensor (the inspector saw it in place): recorded, with
    // the confirmation kept beside the sensor reading.
    const failed = await demo.json("guard", "POST", path, { results: allPass(["located"]) });
    expect(failed.status).toBe(201);
    const confirmed = await demo.json("guard", "POST", path, {
      results: allPass(),
      sensorConfirmed: ["located"],
      correctsId: failed.body.record.id,
    });
    expect(confirmed.status).toBe(201);
    expect(confirmed.body.record.sensor.find((r: any) => r.item === "located")).toMatchObject({
      flagged: true,
      confirmedPass: true,
    });
    // A confirmation of an item the sensor does not flag is a mistake, refused by name.
    const stray = await demo.json("guard", "POST", `/api/halls/${HALL}/fire-assets/E-07/inspections`, {
      results: allPass(),
      sensorConfirmed: ["pressure_green"],
    });
    expect(stray.status).toBe(400);
    expect(stray.body.error.details.join("\n")).toMatch(/sensorConfirmed\.pressure_green/);
    demo.simulator.clear(HALL, "ext-6", "removed");
  });

  it("only security and the duty manager confirm; maintenance closes corrective actions", async () => {
    const path = `/api/halls/${HALL}/fire-assets/E-02/inspections`;
    const body = { results: allPass(["seal_pin_intact"]), note: "pin missing" };
    expect((await demo.call("floor", "POST", path, body)).status).toBe(403);
    expect((await demo.call("maint", "POST", path, body)).status).toBe(403);
    const created = await demo.json("guard", "POST", path, body);
    expect(created.status).toBe(201);
    expect(created.body.record).toMatchObject({
      inspector: "guard",
      passed: false,
      failedItems: ["seal_pin_intact"],
    });
    const [action] = created.body.actions;
    expect(action).toMatchObject({ item: "seal_pin_intact", closed: null });
    const alert = await demo.json("duty", "GET", `/api/alerts/${created.body.alertId}`);
    expect(alert.body.alert ?? alert.body).toMatchObject({ faultType: "inspection_failed", status: "open" });

    const close = `/api/corrective-actions/${action.id}/close`;
    expect((await demo.call("guard", "POST", close, { note: "done" })).status).toBe(403);
    expect((await demo.call("maint", "POST", close, {})).status).toBe(400);
    const closed = await demo.json("maint", "POST", close, { note: "new pin and seal" });
    expect(closed.body.closed).toMatchObject({ by: "maint", note: "new pin and seal" });
    expect((await demo.call("maint", "POST", close, { note: "again" })).status).toBe(409);
    await waitFor(async () => {
      const a = await demo.json("duty", "GET", `/api/alerts/${created.body.alertId}`);
      return (a.body.alert ?? a.body).status === "resolved";
    }, "failure alert resolved");
  });

  it("records are append-only through the API: no PUT, PATCH or DELETE; a correction points at the old one", async () => {
    const first = await demo.json("guard", "POST", `/api/halls/${HALL}/fire-assets/E-04/inspections`, {
      results: allPass(["hose_present"]),
    });
    const id = first.body.record.id;
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      const response = await demo.json(
        "admin",
        method,
        `/api/inspections/${id}`,
        method === "DELETE" ? undefined : {},
      );
      expect(response.status).toBe(405);
      expect(response.body.error.message).toMatch(/append-only/);
    }
    const correction = await demo.json("duty", "POST", `/api/halls/${HALL}/fire-assets/E-04/inspections`, {
      results: allPass(),
      note: "hose was in the cabinet",
      correctsId: id,
    });
    expect(correction.status).toBe(201);
    const original = await demo.json("floor", "GET", `/api/inspections/${id}`);
    expect(original.body).toMatchObject({
      record: { passed: false },
      correctedBy: correction.body.record.id,
    });
    const fork = await demo.call("duty", "POST", `/api/halls/${HALL}/fire-assets/E-04/inspections`, {
      results: allPass(),
      correctsId: id,
    });
    expect(fork.status).toBe(409);
  });

  it("refuses an incomplete checklist with every missing item named, and keeps a photo exactly", async () => {
    const bad = await demo.json("guard", "POST", `/api/halls/${HALL}/fire-assets/H-01/inspections`, {
      results: { located: "pass" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual(
      expect.arrayContaining(["results.visible: not answered", "results.hose_present: not answered"]),
    );
    const hydrantItems = Object.fromEntries(
      CHECK_ITEMS.filter((i) => i !== "seal_pin_intact").map((i) => [i, "pass"]),
    );
    const ok = await demo.json("guard", "POST", `/api/halls/${HALL}/fire-assets/H-01/inspections`, {
      results: hydrantItems,
      photo: { mime: "image/png", dataBase64: TINY_PNG_BASE64 },
    });
    expect(ok.status).toBe(201);
    const photo = await demo.call("floor", "GET", `/api/inspections/${ok.body.record.id}/photo`);
    expect(photo.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await photo.arrayBuffer())).toEqual(Buffer.from(TINY_PNG_BASE64, "base64"));
  });

  it("imports assets from CSV all or nothing, with every bad line reported", async () => {
    const header = "id,location,type,size,manufactureDate,pressureMinMpa,pressureMaxMpa,sensorDeviceId";
    const bad = [
      header,
      "E-20,Stairs,dry_powder,4 kg,2024-01-01,1.0,1.4,",
      "E-21,Stairs,plasma,4 kg,2024-13-01,x,1.4,",
    ].join("\n");
    const refused = await demo.call(
      "maint",
      "POST",
      `/api/halls/${HALL}/fire-assets/import`,
      bad,
      "text/csv",
    );
    expect(refused.status).toBe(400);
    const problems = ((await refused.json()) as any).error.details as string[];
    expect(problems.some((p) => p.startsWith("line 3: type"))).toBe(true);
    expect(problems.some((p) => p.startsWith("line 3: manufactureDate"))).toBe(true);
    const listed = await demo.json("floor", "GET", `/api/halls/${HALL}/fire-assets`);
    expect(listed.body.items.some((a: any) => a.id === "E-20")).toBe(false);

    const good = [
      header,
      'E-20,"Stairs, 2nd floor",water,6 L,2024-01-01,1.0,1.4,',
      "E-21,Stairs,co2,3 kg,2023-06-01,5.0,6.0,",
    ].join("\n");
    expect(
      (await demo.call("guard", "POST", `/api/halls/${HALL}/fire-assets/import`, good, "text/csv")).status,
    ).toBe(403);
    const imported = await demo.json("maint", "POST", `/api/halls/${HALL}/fire-assets/import`, { csv: good });
    expect(imported.body).toEqual({ created: 2, updated: 0 });
    const e20 = await demo.json("floor", "GET", `/api/halls/${HALL}/fire-assets/E-20`);
    expect(e20.body.asset).toMatchObject({
      location: "Stairs, 2nd floor",
      nextServiceDate: "2027-01-01",
      scrapDate: "2030-01-01",
    });
    const retired = await demo.json("maint", "DELETE", `/api/halls/${HALL}/fire-assets/E-21`);
    expect(retired.status).toBe(200);
  });

  it("compliance report as JSON, CSV and a printable page; QR labels link to each asset's page", async () => {
    const today = hallToday();
    const report = await demo.json(
      "floor",
      "GET",
      `/api/halls/${HALL}/inspection-compliance?from=${today}&to=${today}`,
    );
    expect(report.status).toBe(200);
    const e02 = report.body.rows.find((r: any) => r.assetId === "E-02");
    expect(e02.record).toMatchObject({ inspector: "guard", passed: false });
    expect(e02.actions[0]).toMatchObject({ item: "seal_pin_intact", closed: { by: "maint" } });
    expect(report.body.summary.due).toBeGreaterThanOrEqual(10);

    const csv = await demo.call(
      "floor",
      "GET",
      `/api/halls/${HALL}/inspection-compliance?from=${today}&to=${today}&format=csv`,
    );
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // BOM: spreadsheets then read Chinese right
    const text = bytes.subarray(3).toString("utf8");
    expect(text.startsWith("hall,period")).toBe(true);
    expect(text).toMatch(/E-02,.*,guard,.*,fail,seal_pin_intact,pin missing/);

    const html = await demo.call("floor", "GET", `/api/halls/${HALL}/inspection-compliance?format=html`);
    expect(html.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
    expect(await html.text()).toContain("消防巡检合规报告");

    // Without HALLWATCH_PUBLIC_URL a sheet asked for through 127.0.0.1 is refused (test/inspections/qr-labels.test.ts).
    const labels = await demo.call("floor", "GET", `/api/halls/${HALL}/fire-asset-labels`);
    expect(labels.status).toBe(409);

    // The hall's daily report carries the inspection figures.
    const daily = await demo.json("duty", "GET", `/api/halls/${HALL}/reports/day?date=${today}`);
    expect(daily.body.inspections).toMatchObject({
      due: report.body.summary.due,
      failed: report.body.summary.failed,
    });
    const readiness = await demo.json("duty", "GET", `/api/halls/${HALL}/readiness?preview=true`);
    // Not yet inspected this period: listed; inspected: not.
    const dueIds = readiness.body.report.inspectionsDue.map((d: any) => d.assetId);
    expect(dueIds).toContain("E-05");
    expect(dueIds).not.toContain("E-02");

    const wrongRange = await demo.call(
      "floor",
      "GET",
      `/api/halls/${HALL}/inspection-compliance?from=2026-12-01&to=2026-01-01`,
    );
    expect(wrongRange.status).toBe(400);
  });

  it("the duty manager sets the policy; bad policies are refused with the field named", async () => {
    expect(
      (await demo.call("guard", "PUT", `/api/halls/${HALL}/inspection-policy`, { frequency: "monthly" }))
        .status,
    ).toBe(403);
    const bad = await demo.json("duty", "PUT", `/api/halls/${HALL}/inspection-policy`, {
      frequency: "weekly",
      dueAfterDays: 9,
    });
    expect(bad.status).toBe(400);
    const ok = await demo.json("duty", "PUT", `/api/halls/${HALL}/inspection-policy`, {
      frequency: "half_monthly",
      graceHours: 4,
    });
    expect(ok.body).toEqual({ frequency: "half_monthly", weekday: "mon", dueAfterDays: 1, graceHours: 4 });
    const back = await demo.json("duty", "PUT", `/api/halls/${HALL}/inspection-policy`, {});
    expect(back.body.frequency).toBe("weekly");
  });
});
