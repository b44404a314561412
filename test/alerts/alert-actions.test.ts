import { afterEach, describe, expect, it } from "vitest";
import type { Aggregator } from "../../src/aggregator/aggregator.js";
import { EventBus } from "../../src/aggregator/event-bus.js";
import { type AlertAction, alertActionSchema, HallMovingError } from "../../src/alerts/alert-actions.js";
import { AlertService } from "../../src/alerts/alert-service.js";
import { LeaseFence } from "../../src/cluster/hall-fence.js";
import { LeaseStore } from "../../src/cluster/lease-store.js";
import { parseRulesConfig } from "../../src/core/faults/config.js";
import { PresenceTracker } from "../../src/core/presence/tracker.js";
import type { DeviceState } from "../../src/core/presence/types.js";
import { silentLogger } from "../../src/logging.js";
import { openDatabase } from "../../src/store/database.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";

/**
 * One node alone (no `cluster.remote`): every action is applied here, as before actions became data; and every
 * action is data that survives JSON, so it can be forwarded to another node unchanged.
 */
const engines: SqliteEngine[] = [];
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
});

const kiosk: DeviceState = {
  hallId: "h1",
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

describe("alert actions on a single node", () => {
  it("are applied locally by perform and by the methods people's routes call, each once on the timeline", async () => {
    const sql = new SqliteEngine(openDatabase(":memory:"));
    engines.push(sql);
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
    });
    await alerts.start();
    alerts.evaluateDevice(kiosk);
    const [alert] = alerts.activeAlerts();
    if (!alert) throw new Error("no alert raised");

    expect(await alerts.acknowledge(alert.id, "ana", "on it")).toMatchObject({ status: "acknowledged" });
    expect(
      await alerts.perform(alert.id, { type: "comment", by: "ana", text: "paper ordered" }),
    ).toMatchObject({
      lastComment: { by: "ana", text: "paper ordered" },
    });
    expect(await alerts.assign(alert.id, "bo", "ana")).toMatchObject({
      assignee: { username: "bo", by: "ana" },
    });
    expect(await alerts.recordNotice(alert.id, "bo", { medium: "sms" })).toMatchObject({
      notifiedUsers: ["bo"],
    });
    await alerts.recordDelivery(alert.id, { username: "bo", medium: "sms" }, Date.now());
    // The paper is still out: refused unless forced.
    expect(await alerts.resolve(alert.id, "ana", "refilled")).toMatchObject({ error: "condition_active" });
    expect(await alerts.resolve(alert.id, "admin", "refilled", { force: true })).toMatchObject({
      status: "resolved",
    });
    expect(await alerts.perform("no-such-alert", { type: "comment", by: "ana", text: "?" })).toBeNull();

    const found = await alerts.get(alert.id);
    expect(found?.history.map((h) => h.action)).toEqual([
      "opened",
      "acknowledged",
      "commented",
      "assigned",
      "notified",
      "delivered",
      "resolved",
    ]);
    await alerts.stop();
  });

  it("are data: each kind passes the forwarding schema after a JSON round trip", () => {
    const actions: AlertAction[] = [
      { type: "acknowledge", by: "ana", comment: null },
      { type: "resolve", by: "ana", reason: "done", force: false },
      { type: "comment", by: "ana", text: "hello" },
      { type: "assign", username: "bo", by: "ana" },
      { type: "record_notice", username: "bo", detail: { medium: "sms", level: 1 } },
      { type: "record_delivery", detail: { medium: "sms" }, atMs: 1_764_547_200_000 },
    ];
    for (const action of actions)
      expect(alertActionSchema.parse(JSON.parse(JSON.stringify(action)))).toEqual(action);
    expect(alertActionSchema.safeParse({ type: "delete", by: "ana" }).success).toBe(false);
  });

  it("with cluster.remote, refuses (hall_moving) a change the fence refused because the hall was just lost", async () => {
    const sql = new SqliteEngine(openDatabase(":memory:"));
    engines.push(sql);
    const logger = silentLogger();
    const leases = new LeaseStore(sql);
    const epochs = new Map<string, number>();
    const aggregator = {
      bus: new EventBus(logger),
      presence: new PresenceTracker(Date.now()),
      isBrokerConnected: true,
    } as unknown as Aggregator;
    const forwarded: string[] = [];
    const alerts = new AlertService({
      sql,
      aggregator,
      rules: parseRulesConfig({}),
      logger,
      tickIntervalMs: 60_000,
      cluster: {
        fence: new LeaseFence("a", (hallId) => epochs.get(hallId) ?? null),
        remote: {
          holds: (hallId) => epochs.has(hallId),
          forward: async (_hallId, id) => {
            forwarded.push(id);
            return null;
          },
        },
      },
    });
    await alerts.start();
    epochs.set("h1", (await leases.acquire("h1", "a", await leases.nowMs(), 15_000)) as number);
    await alerts.adoptHall("h1");
    alerts.evaluateDevice(kiosk);
    const [alert] = alerts.activeAlerts();
    if (!alert) throw new Error("no alert raised");
    await alerts.list({ limit: 1, offset: 0 }); // written
    // Node a was paused past its lease and b took h1; a has not noticed (it still believes it holds epoch 1).
    await leases.abandon("a", await leases.nowMs());
    expect(await leases.acquire("h1", "b", await leases.nowMs(), 15_000)).toBe(2);
    await expect(alerts.comment(alert.id, "ana", "lost")).rejects.toBeInstanceOf(HallMovingError);
    expect((await alerts.get(alert.id))?.history.map((h) => h.action)).toEqual(["opened"]);
    // Now a knows: the next action on the alert goes to the owner.
    epochs.delete("h1");
    expect(await alerts.comment(alert.id, "ana", "to b")).toBeNull();
    expect(forwarded).toEqual([alert.id]);
    await alerts.stop();
  });
});
