import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type AlertChange, AlertService } from "../../src/alerts/alert-service.js";
import type { BirthDevice } from "../../src/contract/index.js";
import { parseRulesConfig } from "../../src/core/faults/config.js";
import { silentLogger } from "../../src/logging.js";
import { openDatabase } from "../../src/store/database.js";
import { AggregatorHarness } from "../aggregator/harness.js";
import { type PlainBroker, startPlainBroker } from "../helpers/plain-broker.js";
import { kioskValues, RawAgent } from "../helpers/raw-agent.js";
import { waitFor } from "../helpers/wait.js";
import { mountSmallDisk } from "./tmpfs.js";

const disk = mountSmallDisk(16);
const kiosk: BirthDevice = { id: "k1", kind: "kiosk", model: "K", zone: "z", reportIntervalSec: 1 };

describe.runIf(disk !== null)("alerts while SQLite cannot write", () => {
  let broker: PlainBroker;
  let harness: AggregatorHarness;
  let alerts: AlertService | null = null;
  let agent: RawAgent | null = null;

  afterAll(async () => {
    alerts?.stop();
    await agent?.stop();
    await harness?.aggregator?.stop();
    await harness?.api?.close();
    harness?.db?.close();
    await broker?.close();
    disk?.unmount();
  });

  it("defect 21: a fault that begins while the disk is full is alerted at once, and stored once space returns, without a restart", async () => {
    broker = await startPlainBroker();
    harness = new AggregatorHarness(broker.url);
    harness.db = openDatabase(join(disk!.dir, "hallwatch.db"));
    await harness.provision("h1", ["a1"]);
    await harness.start();
    const storageErrors: unknown[] = [];
    alerts = new AlertService({
      db: harness.db,
      aggregator: harness.aggregator,
      rules: parseRulesConfig({}),
      logger: silentLogger(),
      tickIntervalMs: 100,
      onStorageError: (err) => storageErrors.push(err),
    });
    alerts.start();
    const changes: AlertChange[] = [];
    alerts.bus.on("alert_changed", (c) => changes.push(c));
    agent = new RawAgent(broker.url, "h1", "a1", 1, [kiosk]);
    await agent.connect();
    await agent.online();
    await agent.birth();
    await agent.telemetry("k1", kioskValues);
    await waitFor(() => harness.aggregator.presence.device("h1", "k1")?.values, "the first reading");

    disk!.fill();
    await agent.telemetry("k1", { ...kioskValues, printerState: "jam" });
    // Without the fix, saveConditions throws inside evaluateDevice and the evaluation is dropped: no alert.
    const raised = await waitFor(
      () => changes.find((c) => c.alert.faultType === "printer_jam" && c.alert.status === "open"),
      "the printer jam alert while the disk is full",
      10_000,
    );
    expect(raised.alert.deviceId).toBe("k1");
    expect(storageErrors.length).toBeGreaterThan(0);
    expect(alerts.pendingWrites).toBeGreaterThan(0);

    disk!.free();
    await waitFor(
      () => alerts!.list({ faultType: "printer_jam", limit: 10, offset: 0 }).total === 1,
      "the alert stored once space returned",
      15_000,
      100,
    );
    await waitFor(() => alerts!.pendingWrites === 0, "nothing left to write", 15_000, 100);
    expect(alerts.get(raised.alert.id)?.history.length).toBeGreaterThan(0);
    // It is raised once, not again when the stored state catches up.
    expect(
      changes.filter((c) => c.alert.faultType === "printer_jam" && c.entry?.action === "opened"),
    ).toHaveLength(1);
  }, 60_000);
});
