import { expect, it } from "vitest";
import { AlertPersistence } from "../../src/alerts/alert-persistence.js";
import { LeaseFence } from "../../src/cluster/hall-fence.js";
import { LeaseStore } from "../../src/cluster/lease-store.js";
import type { Alert } from "../../src/core/alerts/alert.js";
import { silentLogger } from "../../src/logging.js";
import { AlertStore } from "../../src/store/alerts.js";
import { openDatabase } from "../../src/store/database.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";

const alert = (id: string, hallId: string) =>
  ({
    id,
    key: `${hallId}/device/d1/paper_out`,
    hallId,
    deviceId: "d1",
    agentId: "a1",
    kind: "kiosk",
    faultType: "paper_out",
    severity: "major",
    audience: ["floor_staff"],
    summary: { en: "Paper out", zh: "缺纸" },
    status: "open",
    openedMs: 1_000,
    raisedMs: 1_000,
    lastSeenMs: 1_000,
    count: 1,
    lastObserved: 0,
    affected: ["d1"],
    acknowledged: null,
    resolved: null,
    assignee: null,
    lastComment: null,
    flapping: false,
    reopenCount: 0,
    escalationLevel: 0,
    lastReminderMs: null,
    inMaintenance: false,
  }) as Alert;

it("drops the writes of a hall another node took over, says which, and writes the rest", async () => {
  const sql = new SqliteEngine(openDatabase(":memory:"));
  const leases = new LeaseStore(sql);
  const nowMs = await leases.nowMs();
  await leases.acquire("mine", "node-a", nowMs, 15_000);
  await leases.acquire("lost", "node-b", nowMs, 15_000); // taken over while node-a still believes it holds it
  const store = new AlertStore(sql);
  const fenced: string[][] = [];
  const persistence = new AlertPersistence({
    store,
    logger: silentLogger(),
    now: Date.now,
    fence: new LeaseFence("node-a", () => 1),
    onFenced: (hallIds) => fenced.push(hallIds),
  });
  persistence.saveAlert(alert("x1", "mine"), null);
  persistence.saveAlert(alert("x2", "lost"), null);
  persistence.saveConditions("lost", "d1", {});
  await persistence.flush();
  expect(persistence.pending).toBe(0);
  expect(await store.get("x1")).not.toBeNull();
  expect(await store.get("x2")).toBeNull();
  expect(await store.loadConditions("lost")).toEqual(new Map());
  expect(fenced).toEqual([["lost"]]);
  await sql.close();
});
