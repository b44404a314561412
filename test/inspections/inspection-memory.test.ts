import { DateTime } from "luxon";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CHECK_ITEMS } from "../../src/core/inspections/checklist.js";
import { InspectionService } from "../../src/inspections/inspection-service.js";
import { silentLogger } from "../../src/logging.js";
import { openDatabase } from "../../src/store/database.js";
import { HallDirectory } from "../../src/store/hall-directory.js";
import { HallStore } from "../../src/store/halls.js";
import type { SqlEngine } from "../../src/store/sql/engine.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";

const SH = "Asia/Shanghai";
const at = (iso: string) => DateTime.fromISO(iso, { zone: SH }).toMillis();
const allPass = Object.fromEntries(CHECK_ITEMS.map((i) => [i, "pass" as const]));
const submission = { results: allPass, note: null, photo: null, sensorConfirmed: [], correctsId: null };
const asset = (id: string) => ({
  id,
  location: `Lobby ${id}`,
  type: "dry_powder" as const,
  size: "4 kg",
  manufactureDate: "2024-05-01",
  pressureMinMpa: 1.0,
  pressureMaxMpa: 1.4,
});

/** The service's synchronous reads (readiness, overdue check, status list) come from memory: how it keeps up. */
describe("the inspection service's in-memory view", () => {
  let sql: SqlEngine;
  let nowMs: number;
  const open = async () =>
    await InspectionService.open({
      sql,
      halls: await HallDirectory.open(new HallStore(sql)),
      logger: silentLogger(),
      now: () => nowMs,
    });

  beforeEach(async () => {
    sql = new SqliteEngine(openDatabase(":memory:"));
    await new HallStore(sql).upsert({ id: "h1", name: "Hall 1" });
    nowMs = at("2026-11-16T09:00"); // a Monday
  });
  afterEach(async () => {
    await sql.close();
  });

  it("loads what is stored at start, and sees another node's writes at the next check", async () => {
    const other = await open();
    await other.putAsset("h1", asset("E-01"));
    nowMs = at("2026-11-23T09:00");
    const mine = await open();
    expect(mine.listAssets("h1").map((s) => s.asset.id)).toEqual(["E-01"]);
    expect(mine.dueBy("h1", nowMs).map((d) => d.assetId)).toEqual(["E-01"]);

    await other.putAsset("h1", asset("E-02"), { inServiceSinceMs: at("2026-11-16T00:00") });
    await other.submit("h1", "E-01", submission, "guard");
    await other.setPolicy("h1", { graceHours: 0 }, "duty");
    // Until the next check this node still answers from what it holds.
    expect(mine.hasOwnPolicy("h1")).toBe(false);
    expect(mine.listAssets("h1").map((s) => s.asset.id)).toEqual(["E-01"]);
    await mine.check();
    expect(mine.listAssets("h1").map((s) => s.asset.id)).toEqual(["E-01", "E-02"]);
    expect(mine.hasOwnPolicy("h1")).toBe(true);
    expect(mine.dueBy("h1", nowMs).map((d) => d.assetId)).toEqual(["E-02"]);
    expect(mine.statusesNow("h1").get("E-01")?.status).toBe("done");
  });

  it("a new period starts with nothing done, and its own writes show at once", async () => {
    const service = await open();
    await service.putAsset("h1", asset("E-01"));
    await service.submit("h1", "E-01", submission, "guard");
    expect(service.statusesNow("h1").get("E-01")?.status).toBe("done");
    nowMs = at("2026-11-23T09:00"); // next week, before any check
    expect(service.statusesNow("h1").get("E-01")?.status).toBe("pending");
    expect(service.dueBy("h1", nowMs)).toHaveLength(1);
    await service.submit("h1", "E-01", submission, "guard");
    expect(service.statusesNow("h1").get("E-01")?.status).toBe("done");
    expect(service.dueBy("h1", nowMs)).toEqual([]);
    await service.retireAsset("h1", "E-01");
    expect(service.listAssets("h1")).toEqual([]);
    expect(service.listAssets("h1", true)).toHaveLength(1);
    expect(service.hallsWithAssets()).toEqual([]);
  });
});
