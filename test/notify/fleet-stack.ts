import { join } from "node:path";
import { AlertService } from "../../src/alerts/alert-service.js";
import { parseRulesConfig } from "../../src/core/faults/config.js";
import { silentLogger } from "../../src/logging.js";
import { NotificationDispatcher } from "../../src/notify/dispatcher.js";
import { ChainStore } from "../../src/notify/people/chains.js";
import { PersonalNotifier } from "../../src/notify/people/personal-notifier.js";
import type { ContactBook, DutyLookup, PersonalSenders } from "../../src/notify/people/ports.js";
import { openDatabase } from "../../src/store/database.js";
import { SilenceStore } from "../../src/store/silences.js";
import type { SqlEngine } from "../../src/store/sql/engine.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";
import { seedHalls } from "../helpers/halls.js";
import { HallFleet } from "./hall-fleet.js";
import { DING_SECRET } from "./receivers.js";

/**
 * The real alert service, dispatcher and silence store on one SQLite file, halls with regions whose gateways
 * go down and up through HallFleet, a WeCom robot (zh) and a DingTalk robot (en), one injected clock.
 */
export async function fleetStack(options: {
  dir: string;
  receiverBase: string;
  startMs: number;
  halls: { id: string; name: string; region: string | null }[];
  groupWindowMs?: number;
  /** The changes the rule sends (default: all). */
  actions?: ("opened" | "reopened" | "escalated" | "reminded" | "resolved")[];
  /**
   * The notify stores (outbox, channels, rules, delivery log) on this engine, a database other nodes share, instead
   * of the stack's own SQLite file.
   */
  notifySql?: SqlEngine;
  /** This node's name in outbox claims (default host:pid; give each node of one process its own). */
  nodeId?: string;
  /** People told in person as well (the real PersonalNotifier on the same outbox), all in Chinese. */
  people?: { duty: DutyLookup; contacts: ContactBook; senders: PersonalSenders };
}) {
  const clock = { ms: options.startMs };
  const now = () => clock.ms;
  const db = openDatabase(join(options.dir, `${Math.random().toString(36).slice(2)}.db`));
  const halls = seedHalls(db, options.halls);
  const fleet = new HallFleet(silentLogger(), now, db);
  for (const h of options.halls) fleet.gatewayUp(h.id);
  const alerts = new AlertService({
    sql: new SqliteEngine(db),
    aggregator: fleet.aggregator,
    rules: parseRulesConfig({}),
    logger: silentLogger(),
    tickIntervalMs: 3_600_000, // ticked by hand on the injected clock
    now,
  });
  await alerts.start();
  alerts.tick();
  const sql = new SqliteEngine(db);
  const silences = new SilenceStore(sql);
  const dispatcher = new NotificationDispatcher({
    sql: options.notifySql ?? sql,
    ...(options.nodeId ? { nodeId: options.nodeId } : {}),
    subscribe: (l) => alerts.bus.on("alert_changed", l),
    logger: silentLogger(),
    pollIntervalMs: 10,
    silences,
    now,
    ...(options.groupWindowMs ? { groupWindowMs: options.groupWindowMs } : {}),
    ...(options.people ? { personalSenders: options.people.senders, languageOf: () => "zh" as const } : {}),
  });
  dispatcher.start();
  const personal = options.people
    ? new PersonalNotifier({
        sql,
        chains: new ChainStore(sql),
        outbox: dispatcher.store.outbox,
        subscribe: (l) => alerts.bus.on("alert_changed", l),
        alerts: {
          get: (id) => {
            const alert = alerts.held(id);
            return alert ? { alert } : null;
          },
          recordNotice: (id, username, detail) => alerts.recordNotice(id, username, detail),
        },
        duty: options.people.duty,
        contacts: options.people.contacts,
        silences,
        languageOf: () => "zh",
        linkBaseUrl: null,
        logger: silentLogger(),
        notBefore: (target, action, nowMs) => dispatcher.notBefore(target, action, nowMs),
        track: (work) => dispatcher.track(work),
        tickIntervalMs: 3_600_000,
        now,
      })
    : null;
  personal?.start();
  const { store } = dispatcher;
  const robot = await store.addChannel({
    name: "西城 robot",
    language: "zh",
    config: { type: "wecom", url: `${options.receiverBase}/wecom?key=storm` },
  });
  const ding = await store.addChannel({
    name: "HQ DingTalk",
    language: "en",
    config: {
      type: "dingtalk",
      url: `${options.receiverBase}/dingtalk?access_token=storm`,
      secret: DING_SECRET,
    },
  });
  await store.addRule({
    name: "duty managers",
    hallId: null,
    roles: ["duty_manager", "maintenance", "admin"],
    actions: options.actions ?? ["opened", "reopened", "escalated", "reminded", "resolved"],
    channelIds: [robot.id, ding.id],
  });
  /** Moves the clock and lets the alert service see what changed. */
  const at = (ms: number) => {
    clock.ms = ms;
    alerts.tick();
  };
  const close = async () => {
    await personal?.stop();
    await alerts.stop();
    await dispatcher.stop();
    db.close();
  };
  return { clock, at, db, halls, fleet, alerts, silences, dispatcher, store, robot, ding, close };
}
