import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { EventBus } from "../../src/aggregator/event-bus.js";
import type { AlertChange, AlertEvents } from "../../src/alerts/alert-service.js";
import { autoResolve, type Transition } from "../../src/core/alerts/alert.js";
import { silentLogger } from "../../src/logging.js";
import { NotificationDispatcher } from "../../src/notify/dispatcher.js";
import type { RetryPolicy } from "../../src/notify/retry-policy.js";
import { NotifyStore } from "../../src/notify/store.js";
import { openDatabase } from "../../src/store/database.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";
import { sleep, waitFor } from "../helpers/wait.js";
import { asChange, opened } from "./fixtures.js";
import {
  decodeMail,
  SMTP_PASSWORD,
  SMTP_USER,
  startHttpReceivers,
  startSmtpReceiver,
  WEBHOOK_SECRET,
} from "./receivers.js";

let http: Awaited<ReturnType<typeof startHttpReceivers>>;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
const dir = mkdtempSync(join(tmpdir(), "hallwatch-notify-"));
const running: NotificationDispatcher[] = [];
beforeAll(async () => {
  http = await startHttpReceivers();
  smtp = await startSmtpReceiver();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.stop()));
  http.received.length = 0;
  http.state.failuresLeft = 0;
});
afterAll(async () => {
  await http.close();
  await smtp.close();
  rmSync(dir, { recursive: true, force: true });
});

const FAST: Partial<RetryPolicy> = { initialDelayMs: 20, maxDelayMs: 80, maxAttempts: 5 };

/** A dispatcher on a real SQLite file, fed by an EventBus shaped like AlertService.bus. */
function harness(dbFile = join(dir, `${Math.random().toString(36).slice(2)}.db`), retry = FAST) {
  const db = openDatabase(dbFile);
  const bus = new EventBus<AlertEvents>(silentLogger());
  const dispatcher = new NotificationDispatcher({
    sql: new SqliteEngine(db),
    subscribe: (l) => bus.on("alert_changed", l),
    logger: silentLogger(),
    retry,
    pollIntervalMs: 10,
    sendTimeoutMs: 2000,
    linkBaseUrl: "https://hw.example.org",
  });
  running.push(dispatcher);
  dispatcher.start();
  const emit = (t: Transition, extra: Partial<AlertChange> = {}) =>
    bus.emit("alert_changed", asChange(t, extra));
  return { db, dbFile, store: dispatcher.store, dispatcher, emit, bus };
}

const webhook = async (store: NotifyStore, path = "/webhook", secret = WEBHOOK_SECRET, name = "ops") =>
  store.addChannel({ name, language: "en", config: { type: "webhook", url: `${http.base}${path}`, secret } });

describe("notification dispatcher", () => {
  it("on a node without the jobs role, queues notices but leaves sending them to a node that has it", async () => {
    const file = join(dir, "roles.db");
    const { store, emit, dispatcher, bus } = harness(file);
    await dispatcher.stop();
    running.splice(running.indexOf(dispatcher), 1);
    const queueOnly = new NotificationDispatcher({
      sql: new SqliteEngine(openDatabase(file)),
      subscribe: (l) => bus.on("alert_changed", l),
      logger: silentLogger(),
      pollIntervalMs: 10,
      deliver: false,
    });
    running.push(queueOnly);
    queueOnly.start();
    const ch = await webhook(store);
    await store.addRule({
      name: "guards",
      hallId: null,
      roles: ["security"],
      actions: ["opened"],
      channelIds: [ch.id],
    });
    emit(opened("alert-roles"));
    await waitFor(async () => (await store.pending()) === 1, "the notice queued");
    await queueOnly.deliverDue();
    await sleep(200);
    expect(http.at("/webhook")).toHaveLength(0);
    const sender = harness(file).dispatcher;
    await sender.deliverDue();
    await waitFor(() => http.at("/webhook").length === 1 || null, "the jobs node sending it");
  });

  it("delivers exactly once to a receiver that fails twice, logging every attempt; a replayed change is not resent", async () => {
    const { store, emit, dispatcher } = harness();
    const ch = await webhook(store, "/flaky");
    await store.addRule({
      name: "guards",
      hallId: null,
      roles: ["security"],
      actions: ["opened"],
      channelIds: [ch.id],
    });
    http.state.failuresLeft = 2;
    const t = opened("alert-flaky");
    emit(t);
    emit(t); // the same change again while queued
    await waitFor(
      async () => (await store.pending()) === 0 && http.at("/flaky").length === 1,
      "eventual delivery",
    );
    emit(t); // and once more after delivery (e.g. a replay after a restart)
    await sleep(100);
    expect(http.at("/flaky")).toHaveLength(1);
    const log = await dispatcher.deliveries({ channelId: ch.id });
    expect(log.total).toBe(3);
    expect(log.items.map((d) => [d.attempt, d.ok, d.httpStatus])).toEqual([
      [3, true, 200],
      [2, false, 503],
      [1, false, 503],
    ]);
    expect(log.items[1]?.errorCode).toBe("http_status");
  });

  it("counts a receiver that rejects the signature as a failure, retries, then gives up", async () => {
    const { store, emit, dispatcher } = harness(undefined, {
      initialDelayMs: 10,
      maxDelayMs: 20,
      maxAttempts: 3,
    });
    const wrong = await webhook(store, "/webhook", "another-secret-0000000", "wrong");
    await store.addRule({
      name: "all",
      hallId: null,
      roles: ["duty_manager"],
      actions: ["opened"],
      channelIds: [wrong.id],
    });
    emit(opened("alert-wrong"));
    await waitFor(
      async () =>
        (await dispatcher.deliveries({ channelId: wrong.id })).total === 3 && (await store.pending()) === 0,
      "3 attempts",
    );
    expect(
      (await dispatcher.deliveries({ channelId: wrong.id, ok: false })).items.every(
        (d) => d.httpStatus === 401,
      ),
    ).toBe(true);
    expect(http.at("/webhook")).toHaveLength(0);
  });

  it("keeps queued notifications across a restart (a new process on the same database file)", async () => {
    const first = harness(undefined, { initialDelayMs: 60_000, maxDelayMs: 60_000, maxAttempts: 5 });
    const ch = await webhook(first.store, "/flaky");
    await first.store.addRule({
      name: "all",
      hallId: null,
      roles: ["security"],
      actions: ["opened"],
      channelIds: [ch.id],
    });
    http.state.failuresLeft = 1;
    first.emit(opened("alert-restart"));
    await waitFor(async () => (await first.dispatcher.deliveries()).total === 1, "first attempt failed");
    await first.dispatcher.stop();
    first.db.close();
    expect(http.at("/flaky")).toHaveLength(0);

    const sql = new SqliteEngine(openDatabase(first.dbFile));
    expect(await new NotifyStore(sql).pending()).toBe(1);
    const again = new NotificationDispatcher({
      sql,
      subscribe: () => () => undefined,
      logger: silentLogger(),
      pollIntervalMs: 10,
      now: () => Date.now() + 120_000, // the retry is due
    });
    running.push(again);
    again.start();
    await waitFor(
      async () => http.at("/flaky").length === 1 && (await again.store.pending()) === 0,
      "delivered after restart",
    );
    expect(http.at("/flaky")[0]?.body).toMatchObject({ action: "opened", alert: { id: "alert-restart" } });
  });

  it("follows a notified alert with its resolution, in order, even while the opening is still being retried", async () => {
    const { store, emit } = harness();
    const ch = await webhook(store, "/flaky");
    await store.addRule({
      name: "openings only",
      hallId: null,
      roles: ["security"],
      actions: ["opened"],
      channelIds: [ch.id],
    });
    http.state.failuresLeft = 2;
    const t = opened("alert-follow");
    emit(t);
    emit(autoResolve(t.alert, 2000) as Transition);
    await waitFor(
      async () => http.at("/flaky").length === 2 && (await store.pending()) === 0,
      "both notices",
    );
    expect(http.at("/flaky").map((r) => r.body.action)).toEqual(["opened", "resolved"]);
  });

  it("does not notify an alert in maintenance, nor updates and comments", async () => {
    const { store, emit } = harness();
    const ch = await webhook(store);
    await store.addRule({
      name: "everything",
      hallId: null,
      roles: ["security"],
      actions: ["opened", "resolved", "reminded", "escalated", "reopened"],
      channelIds: [ch.id],
    });
    const quiet = opened("alert-quiet", { inMaintenance: true });
    emit(quiet);
    emit(autoResolve(quiet.alert, 2000) as Transition);
    const loud = opened("alert-loud", { key: "h/device/charger-2/overheat", deviceId: "charger-2" });
    emit({ ...loud, entry: { ...loud.entry, action: "updated" } });
    emit({ ...loud, entry: { ...loud.entry, action: "commented" } });
    emit({ ...loud, entry: { ...loud.entry, action: "affected_changed" } });
    await sleep(150);
    expect(http.at("/webhook")).toHaveLength(0);
  });

  it("sends in each channel's language, e-mail included, and a slow channel does not hold up another", async () => {
    const { store, emit } = harness();
    const mail = await store.addChannel({
      name: "duty mail",
      language: "zh",
      config: {
        type: "email",
        host: "127.0.0.1",
        port: smtp.port,
        user: SMTP_USER,
        password: SMTP_PASSWORD,
        from: "hallwatch@example.org",
        to: ["duty@example.org"],
      },
    });
    const slow = await store.addChannel({
      name: "slow",
      language: "zh",
      config: { type: "wecom", url: `${http.base}/slow` },
    });
    const wecom = await store.addChannel({
      name: "group",
      language: "en",
      config: { type: "wecom", url: `${http.base}/wecom` },
    });
    await store.addRule({
      name: "duty",
      hallId: "h",
      roles: ["duty_manager"],
      channelIds: [slow.id, mail.id, wecom.id],
    });
    const before = smtp.mails.length;
    emit(opened("alert-lang"));
    await waitFor(() => smtp.mails.length > before && http.at("/wecom").length === 1, "mail and robot", 5000);
    const { subject, body } = decodeMail(smtp.mails.at(-1)!);
    expect(subject).toContain("[严重] 告警 · 充电桩温度过高");
    expect(body).toContain("https://hw.example.org/#/device/h/charger-1");
    expect(http.at("/wecom")[0]?.body.markdown.content).toContain("Charger over temperature");
  });

  it("sends a test message and returns the outcome; the attempt is logged", async () => {
    const { store, dispatcher } = harness();
    const good = await webhook(store);
    const bad = await webhook(store, "/webhook", "another-secret-0000000", "bad");
    expect(await dispatcher.sendTest(good.id)).toMatchObject({ ok: true, httpStatus: 200, error: null });
    expect(http.at("/webhook")[0]?.body).toMatchObject({ test: true, title: "Hallwatch test message" });
    expect(await dispatcher.sendTest(bad.id)).toMatchObject({
      ok: false,
      httpStatus: 401,
      errorCode: "http_status",
    });
    expect(await dispatcher.sendTest("nope")).toMatchObject({ ok: false, errorCode: "channel_missing" });
    expect((await dispatcher.deliveries({ action: "test" })).total).toBe(2);
  });
});
