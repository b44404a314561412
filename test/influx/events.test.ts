import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlertService } from "../../src/alerts/alert-service.js";
import type { BirthDevice } from "../../src/contract/index.js";
import { parseRulesConfig } from "../../src/core/faults/config.js";
import { InfluxHistory } from "../../src/influx/influx-history.js";
import { MEASUREMENT, RETENTION } from "../../src/influx/schema.js";
import { silentLogger } from "../../src/logging.js";
import { AggregatorHarness } from "../aggregator/harness.js";
import { requireInCi } from "../helpers/external-servers.js";
import { INFLUXD, type Influxd, startInfluxd } from "../helpers/influxd.js";
import { type PlainBroker, startPlainBroker } from "../helpers/plain-broker.js";
import { kioskValues, RawAgent } from "../helpers/raw-agent.js";
import { waitFor } from "../helpers/wait.js";
import { DB, influxSettings, tempDataDir, WAIT_MS } from "./helpers.js";

const kiosk: BirthDevice = { id: "k1", kind: "kiosk", model: "K", zone: "z", reportIntervalSec: 60 };
const ext: BirthDevice = { id: "e1", kind: "extinguisher", model: "E", zone: "z", reportIntervalSec: 900 };
const extValues = { pressureMpa: 1.2, present: true, batteryPct: 90 };

type Row = Record<string, any> & { time: Date };

describe.runIf(requireInCi(INFLUXD, "influxd"))(
  "Hallwatch events as InfluxDB points (real aggregator)",
  () => {
    let influxd: Influxd;
    let broker: PlainBroker;
    let harness: AggregatorHarness;
    let alerts: AlertService;
    let history: InfluxHistory;
    let agent: RawAgent;
    const dataDir = tempDataDir();

    beforeAll(async () => {
      influxd = await startInfluxd();
      broker = await startPlainBroker();
      harness = new AggregatorHarness(broker.url);
      harness.openDb();
      await harness.provision("h1", ["a1"]);
      await harness.start();
      alerts = new AlertService({
        db: harness.db,
        aggregator: harness.aggregator,
        rules: parseRulesConfig({}),
        logger: silentLogger(),
        tickIntervalMs: 100,
      });
      alerts.start();
      const aggregator = harness.aggregator;
      history = new InfluxHistory({
        influx: influxSettings(influxd.url, { flushIntervalMs: 50 }),
        dataDir,
        logger: silentLogger(),
        onTelemetry: (l) => aggregator.bus.on("telemetry", l),
        onDeviceConnectivity: (l) => aggregator.bus.on("device_connectivity", l),
        onAlertChanged: (l) => alerts.bus.on("alert_changed", l),
      });
      history.start();
      await history.ready();
      agent = new RawAgent(broker.url, "h1", "a1", 1, [kiosk, ext]);
      await agent.connect();
      await agent.online();
      await agent.birth();
    });

    afterAll(async () => {
      await agent?.stop().catch(() => undefined);
      await history?.stop();
      alerts?.stop();
      await harness?.close();
      await broker?.close();
      await influxd?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    const select = async (measurement: string, where = "", rp: string = RETENTION.raw) => {
      await history.drained();
      return history.client.query<Row>(
        `SELECT * FROM "${DB}"."${rp}"."${measurement}"${where ? ` WHERE ${where}` : ""} ORDER BY time`,
      );
    };

    it("writes telemetry at the agent's time, replays from its spool included, with the kind's values as fields", async () => {
      const pastMs = Date.now() - 2 * 3_600_000 + 123;
      await agent.telemetry("k1", { ...kioskValues, cpuPct: 33 }, { tsMs: pastMs, historical: true });
      await agent.telemetry("e1", extValues);
      const rows = await waitFor(
        async () => {
          const r = await select(MEASUREMENT.telemetry);
          return r.length === 2 ? r : null;
        },
        "two telemetry points",
        WAIT_MS,
      );
      const k1 = rows.find((r) => r.device === "k1")!;
      expect(k1.time.getTime()).toBe(pastMs);
      expect(k1).toMatchObject({ hall: "h1", kind: "kiosk", cpuPct: 33, appOk: true, printerState: "ok" });
      const e1 = rows.find((r) => r.device === "e1")!;
      expect(e1).toMatchObject({
        hall: "h1",
        kind: "extinguisher",
        pressureMpa: 1.2,
        present: true,
        batteryPct: 90,
      });
    });

    it("defect 24: a +1 h agent's live point is written at its receive time, not an hour in the future", async () => {
      const sentMs = Date.now();
      await agent.telemetry("e1", { ...extValues, pressureMpa: 1.7 }, { tsMs: sentMs + 3_600_000 });
      const rows = await waitFor(
        async () => {
          const r = await select(MEASUREMENT.telemetry, `"device" = 'e1' AND "pressureMpa" = 1.7`);
          return r.length === 1 ? r : null;
        },
        "the skewed point",
        WAIT_MS,
      );
      expect(Math.abs(rows[0]!.time.getTime() - sentMs)).toBeLessThan(30_000);
      expect((await harness.device("h1", "e1")).clockSkewMs).toBeGreaterThan(3_500_000);
    });

    it("writes each connectivity transition to device_state", async () => {
      const online = await waitFor(
        async () => {
          const r = await select(MEASUREMENT.deviceState, `"connectivity" = 'online'`);
          return r.length === 2 ? r : null;
        },
        "both devices online",
        WAIT_MS,
      );
      expect(online.map((r) => r.device).sort()).toEqual(["e1", "k1"]);
      expect(online.every((r) => r.up === 1 && r.hall === "h1")).toBe(true);
    });

    it("writes alert changes (raised, acknowledged, resolved) to alert_event in the long policy", async () => {
      await agent.telemetry("e1", { ...extValues, present: false });
      const raised = await waitFor(
        () =>
          alerts.list({ hallIds: ["h1"], limit: 10, offset: 0 }).items.find((a) => a.faultType === "removed"),
        "the removed alert",
        WAIT_MS,
      );
      alerts.acknowledge(raised.id, "tester", "on my way");
      // Put back: the alert resolves itself (one whose condition still holds cannot be resolved by hand).
      await agent.telemetry("e1", extValues);
      const rows = await waitFor(
        async () => {
          const r = await select(MEASUREMENT.alertEvent, `"alert_id" = '${raised.id}'`, RETENTION.long);
          return r.length >= 3 ? r : null;
        },
        "three alert events",
        WAIT_MS,
      );
      const byChange = Object.fromEntries(rows.map((r) => [r.change, r]));
      expect(byChange.raised).toMatchObject({
        hall: "h1",
        kind: "extinguisher",
        device: "e1",
        severity: "critical",
        fault: "removed",
        open: 1,
        in_maintenance: 0,
        message: "Extinguisher removed from its bracket",
      });
      expect(byChange.acknowledged).toMatchObject({ open: 1 });
      expect(byChange.resolved).toMatchObject({ open: 0 });
      expect(byChange.resolved.duration_sec).toBeGreaterThanOrEqual(0);
      expect(byChange.raised.duration_sec).toBeNull();
    });

    it("writes inspections and compliance figures handed over by the inspection service", async () => {
      const atMs = Date.now() - 60_000;
      history.writeInspection({
        hall: "h1",
        asset: "FE-001",
        assetType: "extinguisher",
        recordId: "rec-1",
        inspector: "u-17",
        passed: false,
        failedItems: ["pressure", "seal"],
        dueDate: "2026-11-30",
        late: false,
        correctsId: null,
        atMs,
      });
      history.writeInspection({
        hall: "h1",
        asset: "FE-001",
        assetType: "extinguisher",
        recordId: "rec-2",
        inspector: "u-18",
        passed: true,
        failedItems: [],
        dueDate: "2026-11-30",
        late: true,
        correctsId: "rec-1",
        atMs: atMs + 1000,
      });
      history.writeCompliance({
        hall: "h1",
        periodStartMs: atMs - 86_400_000,
        due: 10,
        done: 7,
        missed: 1,
        pending: 2,
      });
      const [inspection, correction] = await select(MEASUREMENT.inspection, "", RETENTION.long);
      expect(inspection).toMatchObject({
        hall: "h1",
        asset: "FE-001",
        asset_type: "extinguisher",
        result: "fail",
        record_id: "rec-1",
        inspector: "u-17",
        passed: 0,
        failed_items: 2,
        failed_item_names: "pressure,seal",
        due_date: "2026-11-30",
        late: 0,
        corrects_id: null,
      });
      expect(inspection!.time.getTime()).toBe(atMs);
      expect(correction).toMatchObject({
        result: "pass",
        record_id: "rec-2",
        passed: 1,
        failed_items: 0,
        failed_item_names: "",
        late: 1,
        corrects_id: "rec-1",
      });
      const [compliance] = await select(MEASUREMENT.inspectionCompliance, "", RETENTION.long);
      expect(compliance).toMatchObject({
        hall: "h1",
        due: 10,
        done: 7,
        missed: 1,
        pending: 2,
        compliance_pct: 70,
      });
    });

    it("writes the transitions when the agent dies, with up = 0 and the reason", async () => {
      agent.kill();
      const offline = await waitFor(
        async () => {
          const r = await select(MEASUREMENT.deviceState, `"connectivity" = 'offline'`);
          return r.length === 2 ? r : null;
        },
        "both devices offline",
        WAIT_MS,
      );
      expect(offline.every((r) => r.up === 0 && r.reason === "agent_offline")).toBe(true);
    });
  },
);
