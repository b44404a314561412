import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DateTime } from "luxon";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CHECK_ITEMS } from "../../src/core/inspections/checklist.js";
import { periodAt, periodsBetween } from "../../src/core/inspections/policy.js";
import { InspectionService } from "../../src/inspections/inspection-service.js";
import { silentLogger } from "../../src/logging.js";
import { type Db, openDatabase } from "../../src/store/database.js";
import { HallDirectory } from "../../src/store/hall-directory.js";
import { HallStore } from "../../src/store/halls.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";

const BERLIN = "Europe/Berlin";
const allPass = Object.fromEntries(CHECK_ITEMS.map((i) => [i, "pass" as const]));

/**
 * A Berlin hall on the real clock: the faketime matrix (.ci/faketime-matrix.sh) runs this at both of Berlin's DST
 * changes, so the service's own clock crosses them. With an injected clock the same cases are in
 * test/core/inspections/not-due.test.ts.
 */
describe("defect 2: a Berlin hall's inspections at whatever instant the suite runs", () => {
  let dir: string;
  let db: Db;
  let service: InspectionService;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "hallwatch-berlin-"));
    db = openDatabase(join(dir, "hallwatch.db"));
    const store = HallStore.onSqlite(db);
    await store.upsert({ id: "berlin", name: "Berlin Mitte", timeZone: BERLIN });
    const halls = await HallDirectory.open(store);
    service = await InspectionService.open({ sql: new SqliteEngine(db), halls, logger: silentLogger() });
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("defect 2: periods start at local midnight, tile the day around now, and a new asset's inspection counts", async () => {
    const nowMs = Date.now();
    const policy = service.policy("berlin");
    const around = periodsBetween(policy, nowMs - 8 * 86_400_000, nowMs + 8 * 86_400_000, BERLIN);
    for (const [i, p] of around.entries()) {
      const start = DateTime.fromMillis(p.startMs, { zone: BERLIN });
      expect(start.toFormat("HH:mm ccc"), p.key).toBe("00:00 Mon");
      if (i > 0) expect(p.startMs).toBe(around[i - 1]?.endMs);
      // A week is 7 local days: 167, 168 or 169 hours across a DST change.
      expect([167, 168, 169]).toContain((p.endMs - p.startMs) / 3_600_000);
    }
    expect(periodAt(policy, nowMs, BERLIN).startMs).toBeLessThanOrEqual(nowMs);

    await service.putAsset("berlin", {
      id: "F-1",
      location: "Eingang",
      type: "foam",
      size: "6 L",
      manufactureDate: "2025-02-01",
      pressureMinMpa: 1.0,
      pressureMaxMpa: 1.4,
    });
    const before = service.statusesNow("berlin").get("F-1");
    expect(before?.status).toMatch(/^(pending|overdue|not_due)$/);
    const { record } = await service.submit(
      "berlin",
      "F-1",
      { results: allPass, note: null, photo: null, sensorConfirmed: [], correctsId: null },
      "wache",
    );
    expect(service.statusesNow("berlin").get("F-1")?.status).toMatch(/^(done|late)$/);
    const today = DateTime.fromMillis(Date.now(), { zone: BERLIN }).startOf("day");
    const report = await service.compliance("berlin", today.toMillis(), today.plus({ days: 1 }).toMillis());
    expect(report.rows.find((r) => r.assetId === "F-1")?.record?.id).toBe(record.id);
  });
});
