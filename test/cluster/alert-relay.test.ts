import type { FastifyInstance } from "fastify";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Aggregator } from "../../src/aggregator/aggregator.js";
import { EventBus } from "../../src/aggregator/event-bus.js";
import { alertEvent, publishAlertChanges } from "../../src/alerts/alert-publisher.js";
import { AlertService } from "../../src/alerts/alert-service.js";
import { buildApi } from "../../src/api/app.js";
import { createMetrics } from "../../src/api/metrics.js";
import { AlertRelay, mqttSubscriber } from "../../src/cluster/alert-relay.js";
import { topics } from "../../src/contract/index.js";
import type { Alert } from "../../src/core/alerts/alert.js";
import { parseRulesConfig } from "../../src/core/faults/config.js";
import { PresenceTracker } from "../../src/core/presence/tracker.js";
import type { DeviceState } from "../../src/core/presence/types.js";
import { silentLogger } from "../../src/logging.js";
import { type Db, openDatabase } from "../../src/store/database.js";
import { HallDirectory } from "../../src/store/hall-directory.js";
import { HallStore } from "../../src/store/halls.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";
import { openStream } from "../alerts/harness.js";
import { testAuth } from "../helpers/auth.js";
import { type PlainBroker, startPlainBroker } from "../helpers/plain-broker.js";
import { waitFor } from "../helpers/wait.js";

/**
 * The live alert stream on every node (docs/scale-out.md, "Alerts across nodes"): node B's stream carries, besides
 * the changes of its own halls, those node A publishes on `hallwatch/v1/_system/alerts/{hallId}` for the halls B
 * does not hold; each change once. A real broker (Aedes on loopback), real MQTT clients, real HTTP SSE.
 */
const logger = silentLogger();

const kiosk = (hallId: string): DeviceState => ({
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
});

/** An alert of a hall node A holds, as A's alert service would have it. */
const alertOfA = (id: string): Alert =>
  ({
    id,
    key: "ha/device/kiosk-9/paper_out",
    hallId: "ha",
    deviceId: "kiosk-9",
    agentId: "agent-9",
    kind: "kiosk",
    faultType: "paper_out",
    severity: "minor",
    audience: ["floor_staff"],
    summary: { en: "Out of paper", zh: "缺纸" },
    status: "open",
    openedMs: Date.now(),
    raisedMs: Date.now(),
    lastSeenMs: Date.now(),
    count: 1,
    lastObserved: "paper_out",
    affected: ["kiosk-9"],
    acknowledged: null,
    resolved: null,
    flapping: false,
    reopenCount: 0,
    escalationLevel: 0,
  }) as Alert;

describe("the live alert stream on a node that does not hold the hall", () => {
  let broker: PlainBroker;
  let db: Db;
  let alerts: AlertService;
  let api: FastifyInstance;
  let url: string;
  let token: string;
  let relay: AlertRelay;
  let nodeA: mqtt.MqttClient;
  let nodeB: mqtt.MqttClient;
  let stopPublisher: () => void;

  beforeAll(async () => {
    broker = await startPlainBroker();
    nodeA = await mqtt.connectAsync(broker.url, { clientId: "node-a", reconnectPeriod: 0 });
    nodeB = await mqtt.connectAsync(broker.url, { clientId: "node-b", reconnectPeriod: 0 });
    db = openDatabase(":memory:");
    const sql = new SqliteEngine(db);
    const aggregator = {
      bus: new EventBus(logger),
      presence: new PresenceTracker(Date.now()),
      isBrokerConnected: true,
      stats: () => ({}),
    } as unknown as Aggregator;
    alerts = new AlertService({
      sql,
      aggregator,
      rules: parseRulesConfig({}),
      logger,
      tickIntervalMs: 60_000,
    });
    await alerts.start();
    // B publishes its own halls' changes, as every node does: its relay hears them back and must skip them.
    stopPublisher = publishAlertChanges(
      (listener) => alerts.bus.on("alert_changed", listener),
      (topic, payload) => nodeB.publish(topic, payload, { qos: 1 }),
    );
    relay = new AlertRelay({ subscribe: mqttSubscriber(nodeB), holds: (hallId) => hallId === "hb", logger });
    await relay.start();
    const auth = await testAuth(db);
    token = auth.adminToken;
    api = await buildApi({
      auth: auth.deps,
      aggregator,
      alerts,
      alertFeed: relay.feed,
      halls: await HallDirectory.open(new HallStore(sql), { refreshMs: 0 }),
      metrics: createMetrics(aggregator, null),
      logger,
      version: "test",
    });
    url = await api.listen({ port: 0, host: "127.0.0.1" });
  });

  afterAll(async () => {
    stopPublisher?.();
    relay?.stop();
    await api?.close();
    await alerts?.stop();
    await nodeA?.endAsync();
    await nodeB?.endAsync();
    await broker?.close();
    db?.close();
  });

  it("carries A's changes once, B's own once, and drops what is not an alert change", async () => {
    const stream = await openStream(`${url}/api/alerts/stream`, token);
    try {
      // Node A raises an alert in hall ha and publishes it.
      const raised = alertOfA("alert-of-a");
      const opened = alertEvent({ alert: raised, entry: null }, Date.now());
      await nodeA.publishAsync(topics.alertEvents("ha"), JSON.stringify({ ...opened, action: "opened" }), {
        qos: 1,
      });
      // Not alert changes: not JSON, the wrong shape, a hall other than the topic's.
      await nodeA.publishAsync(topics.alertEvents("ha"), "{not json", { qos: 1 });
      await nodeA.publishAsync(topics.alertEvents("ha"), JSON.stringify({ v: 1, alert: { id: "x" } }), {
        qos: 1,
      });
      await nodeA.publishAsync(topics.alertEvents("hc"), JSON.stringify(opened), { qos: 1 });
      // B raises one in hall hb, which it holds: on its stream from its own bus, and published on the broker.
      alerts.evaluateDevice(kiosk("hb"));
      const [own] = alerts.activeAlerts();
      await waitFor(async () => relay.stats().heldHere >= 1, "B's own change heard back", 5_000);
      // Then A acknowledges its alert: the last event, so everything before it has arrived.
      const acknowledged = alertEvent(
        {
          alert: {
            ...raised,
            status: "acknowledged",
            acknowledged: { by: "ana", atMs: Date.now(), comment: null },
          },
          entry: {
            alertId: raised.id,
            atMs: Date.now(),
            action: "acknowledged",
            by: "ana",
            fromStatus: "open",
            toStatus: "acknowledged",
            detail: null,
          },
        },
        Date.now(),
      );
      await nodeA.publishAsync(topics.alertEvents("ha"), JSON.stringify(acknowledged), { qos: 1 });
      await waitFor(
        async () => stream.events.some((e) => e.action === "acknowledged"),
        "A's acknowledgement on B's stream",
        5_000,
      );
      expect(stream.events.map((e) => [e.alert.id, e.action])).toEqual([
        ["alert-of-a", "opened"],
        [own?.id, "opened"],
        ["alert-of-a", "acknowledged"],
      ]);
      expect(stream.events[2].by).toBe("ana");
      expect(relay.stats()).toEqual({ relayed: 2, heldHere: 1, invalid: 3 });
    } finally {
      stream.close();
    }
  });
});
