import { afterEach, describe, expect, it } from "vitest";
import type { Aggregator } from "../../src/aggregator/aggregator.js";
import { EventBus } from "../../src/aggregator/event-bus.js";
import { AlertService } from "../../src/alerts/alert-service.js";
import { LeaseFence } from "../../src/cluster/hall-fence.js";
import { LeaseStore } from "../../src/cluster/lease-store.js";
import { parseRulesConfig } from "../../src/core/faults/config.js";
import { PresenceTracker } from "../../src/core/presence/tracker.js";
import type { DeviceState } from "../../src/core/presence/types.js";
import { silentLogger } from "../../src/logging.js";
import { openDatabase } from "../../src/store/database.js";
import type { SqlEngine } from "../../src/store/sql/engine.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";

/**
 * Two nodes' alert services on one database: the hall's alerts go with its lease. What the first owner raised is
 * carried on by the next, never raised twice; a node that lost the hall writes nothing more of it.
 */
const LEASE_MS = 15_000;
const engines: SqlEngine[] = [];
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
});

function kioskOutOfPaper(hallId: string): DeviceState {
  return {
    hallId,
    deviceId: "kiosk-1",
    agentId: "agent-1",
    kind: "kiosk",
    model: "K",
    zone: "z",
    name: null,
    reportIntervalSec: 10,
    connectivity: "online",
    connectivitySinceMs: 0,
    connectivityReason: "birth",
    lastSeenMs: Date.now(),
    values: { printerState: "paper_out", paperPct: 0 } as DeviceState["values"],
    valuesTsMs: Date.now(),
    retired: false,
  };
}

function node(sql: SqlEngine, nodeId: string, epochs: Map<string, number>) {
  const logger = silentLogger();
  const aggregator = {
    bus: new EventBus(logger),
    presence: new PresenceTracker(Date.now()),
    isBrokerConnected: true,
  } as unknown as Aggregator;
  const alerts = new AlertService({
    sql,
    aggregator,
    rules: parseRulesConfig({}),
    logger,
    tickIntervalMs: 60_000,
    cluster: { fence: new LeaseFence(nodeId, (hallId) => epochs.get(hallId) ?? null) },
  });
  return { alerts, epochs };
}

const paperOut = (alerts: AlertService) => alerts.activeAlerts().filter((a) => a.faultType === "paper_out");

describe("alerts follow the hall's lease", () => {
  it("are carried on by the node that takes the hall over, once, and forgotten by the one that hands it over", async () => {
    const sql = new SqliteEngine(openDatabase(":memory:"));
    engines.push(sql);
    const leases = new LeaseStore(sql);
    const a = node(sql, "a", new Map());
    const b = node(sql, "b", new Map());
    await a.alerts.start();
    await b.alerts.start();
    expect(a.alerts.activeAlerts()).toEqual([]); // in a cluster nothing is loaded before a hall is adopted

    a.epochs.set("h1", (await leases.acquire("h1", "a", await leases.nowMs(), LEASE_MS)) as number);
    await a.alerts.adoptHall("h1");
    a.alerts.evaluateDevice(kioskOutOfPaper("h1"));
    expect(paperOut(a.alerts)).toHaveLength(1);
    await a.alerts.releaseHall("h1");
    a.epochs.delete("h1");
    expect(a.alerts.activeAlerts()).toEqual([]);
    await leases.release("a", ["h1"], await leases.nowMs());

    b.epochs.set("h1", (await leases.acquire("h1", "b", await leases.nowMs(), LEASE_MS)) as number);
    await b.alerts.adoptHall("h1");
    const carried = paperOut(b.alerts);
    expect(carried).toHaveLength(1);
    // The kiosk still reports no paper: the same alert goes on, no second one.
    b.alerts.evaluateDevice(kioskOutOfPaper("h1"));
    expect(paperOut(b.alerts).map((x) => x.id)).toEqual(carried.map((x) => x.id));
    const stored = await b.alerts.list({ limit: 100, offset: 0 });
    expect(stored.items.filter((x) => x.faultType === "paper_out")).toHaveLength(1);
    await a.alerts.stop();
    await b.alerts.stop();
  });

  it("lets a node that lost the hall write nothing of it, and forget it", async () => {
    const sql = new SqliteEngine(openDatabase(":memory:"));
    engines.push(sql);
    const leases = new LeaseStore(sql);
    const a = node(sql, "a", new Map());
    await a.alerts.start();
    a.epochs.set("h1", (await leases.acquire("h1", "a", await leases.nowMs(), LEASE_MS)) as number);
    await a.alerts.adoptHall("h1");
    a.alerts.evaluateDevice(kioskOutOfPaper("h1"));
    const [raised] = paperOut(a.alerts);
    await a.alerts.list({ limit: 1, offset: 0 }); // written
    // Node a is paused past its lease; b takes h1 over. a wakes up believing it still holds epoch 1.
    await leases.abandon("a", await leases.nowMs());
    expect(await leases.acquire("h1", "b", await leases.nowMs(), LEASE_MS)).toBe(2);
    const comment = await a.alerts.comment(raised!.id, "ana", "written by a node that lost the hall");
    expect(comment).not.toBeNull();
    const stored = await a.alerts.get(raised!.id);
    expect(stored?.alert.lastComment).toBeNull();
    expect(stored?.history.some((h) => h.action === "commented")).toBe(false);
    expect(a.alerts.activeAlerts()).toEqual([]); // forgotten once the fence refused it
    await a.alerts.stop();
  });
});
