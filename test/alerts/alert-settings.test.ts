import { afterEach, describe, expect, it } from "vitest";
import { Aggregator } from "../../src/aggregator/aggregator.js";
import { AlertService } from "../../src/alerts/alert-service.js";
import type { Birth } from "../../src/contract/index.js";
import { parseRulesConfig } from "../../src/core/faults/config.js";
import { DEFAULT_SILENCE_POLICY } from "../../src/core/presence/silence.js";
import { silentLogger } from "../../src/logging.js";
import { type Db, openDatabase } from "../../src/store/database.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";

const dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

const birth = (agentId: string, ids: string[]): Birth => ({
  v: 1,
  session: 1,
  seq: 0,
  tsMs: 0,
  agent: { id: agentId, version: "1" },
  devices: ids.map((id) => ({ id, kind: "kiosk", model: "K", zone: "z", reportIntervalSec: 10 })),
});

describe("AlertService rule settings", () => {
  it("applies hall and device overrides, while devices without any share their kind's settings", () => {
    const db = openDatabase(":memory:");
    dbs.push(db);
    const logger = silentLogger();
    const aggregator = new Aggregator({
      brokerUrl: "mqtt://127.0.0.1:1",
      username: "_aggregator",
      password: "x",
      sql: new SqliteEngine(db),
      logger,
      silencePolicy: DEFAULT_SILENCE_POLICY,
    });
    const rules = parseRulesConfig({
      halls: { "hall-2": { kiosk: { disk_high: { params: { abovePct: 50, clearBelowPct: 45 } } } } },
      devices: { "hall-1/kiosk-2": { disk_high: { params: { abovePct: 60, clearBelowPct: 55 } } } },
    });
    const alerts = new AlertService({ sql: new SqliteEngine(db), aggregator, rules, logger });
    const raised: string[] = [];
    alerts.bus.on("alert_changed", ({ alert, entry }) => {
      if (entry?.action === "opened") raised.push(`${alert.hallId}/${alert.deviceId}/${alert.faultType}`);
    });
    const presence = aggregator.presence;
    presence.onBrokerConnected(0);
    presence.onBirth("hall-1", "a1", birth("a1", ["kiosk-1", "kiosk-2", "kiosk-3"]), false, 0);
    presence.onBirth("hall-2", "a2", birth("a2", ["kiosk-1"]), false, 0);
    const values = { appOk: true, printerState: "ok" as const, cpuPct: 5, memPct: 5, diskPct: 70 };
    for (const [hallId, deviceId] of [
      ["hall-1", "kiosk-1"],
      ["hall-1", "kiosk-2"],
      ["hall-1", "kiosk-3"],
      ["hall-2", "kiosk-1"],
    ] as const) {
      const result = presence.onData(
        hallId,
        hallId === "hall-1" ? "a1" : "a2",
        deviceId,
        { session: 1, seq: 1, tsMs: 1 },
        values,
        1,
      );
      if (!result.ok) throw new Error("device not registered");
      alerts.evaluateDevice(result.device);
    }
    expect(raised.sort()).toEqual(["hall-1/kiosk-2/disk_high", "hall-2/kiosk-1/disk_high"]);
    // 91 % is past the default threshold: every kiosk now has the fault.
    const high = { ...values, diskPct: 91 };
    const k1 = presence.onData("hall-1", "a1", "kiosk-1", { session: 1, seq: 2, tsMs: 2 }, high, 2);
    const k3 = presence.onData("hall-1", "a1", "kiosk-3", { session: 1, seq: 3, tsMs: 3 }, high, 3);
    if (!k1.ok || !k3.ok) throw new Error("device not registered");
    alerts.evaluateDevice(k1.device);
    alerts.evaluateDevice(k3.device);
    expect(raised).toHaveLength(4);
  });
});
