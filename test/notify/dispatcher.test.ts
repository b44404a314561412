import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EventBus } from "../../src/aggregator/event-bus.js";
import type { AlertChange, AlertEvents } from "../../src/alerts/alert-service.js";
import {
  type Alert,
  autoResolve,
  type RaiseInput,
  raise,
  type Transition,
} from "../../src/core/alerts/alert.js";
import { silentLogger } from "../../src/logging.js";
import { NotificationDispatcher } from "../../src/notify/dispatcher.js";
import { escapeMarkdown } from "../../src/notify/message.js";
import { NotifyStore } from "../../src/notify/store.js";
import { openDatabase } from "../../src/store/database.js";
import { waitFor } from "../helpers/wait.js";

const SECRET = "webhook-secret-0123456789";
const DING_SECRET = "SEC-ding";
const FEISHU_SECRET = "feishu-secret";
let http: Server;
let base = "";
const received: Record<string, { headers: IncomingMessage["headers"]; body: any; url: string }[]> = {};
let flakyFailuresLeft = 2;
let smtp: SMTPServer;
let smtpPort = 0;
const mails: string[] = [];

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = "";
    req.on("data", (c) => {
      data += c;
    });
    req.on("end", () => resolve(data));
  });
}

beforeAll(async () => {
  http = createServer(async (req, res) => {
    const raw = await body(req);
    const path = (req.url ?? "").split("?")[0] ?? "";
    const record = () => {
      received[path] = [
        ...(received[path] ?? []),
        { headers: req.headers, body: JSON.parse(raw), url: req.url ?? "" },
      ];
    };
    const reply = (status: number, json: unknown) =>
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(json));
    if (path === "/webhook") {
      const ts = String(req.headers["x-hallwatch-timestamp"]);
      const expected = `sha256=${createHmac("sha256", SECRET).update(`${ts}.${raw}`).digest("hex")}`;
      if (req.headers["x-hallwatch-signature"] !== expected) return reply(401, { error: "bad signature" });
      record();
      return reply(200, { ok: true });
    }
    if (path === "/flaky") {
      if (flakyFailuresLeft > 0) {
        flakyFailuresLeft -= 1;
        return reply(503, { error: "busy" });
      }
      record();
      return reply(200, { ok: true });
    }
    if (path === "/wecom") {
      const b = JSON.parse(raw);
      if (b.msgtype !== "markdown" || typeof b.markdown?.content !== "string")
        return reply(200, { errcode: 40008, errmsg: "invalid message type" });
      record();
      return reply(200, { errcode: 0, errmsg: "ok" });
    }
    if (path === "/dingtalk") {
      const url = new URL(req.url ?? "", "http://x");
      const ts = url.searchParams.get("timestamp") ?? "";
      const sign = createHmac("sha256", DING_SECRET).update(`${ts}\n${DING_SECRET}`).digest("base64");
      if (url.searchParams.get("sign") !== sign)
        return reply(200, { errcode: 310000, errmsg: "sign not match" });
      record();
      return reply(200, { errcode: 0, errmsg: "ok" });
    }
    if (path === "/feishu") {
      const b = JSON.parse(raw);
      const sign = createHmac("sha256", `${b.timestamp}\n${FEISHU_SECRET}`).update("").digest("base64");
      if (b.sign !== sign) return reply(200, { code: 19021, msg: "sign match fail" });
      record();
      return reply(200, { code: 0, msg: "success" });
    }
    reply(404, {});
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
  smtp = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    onAuth(auth, _session, cb) {
      if (auth.username === "hall" && auth.password === "mail-pass") cb(null, { user: "hall" });
      else cb(new Error("bad credentials"));
    },
    onData(stream, _session, cb) {
      let data = "";
      stream.on("data", (c) => {
        data += c;
      });
      stream.on("end", () => {
        mails.push(data);
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  smtpPort = (smtp.server.address() as { port: number }).port;
});

afterAll(async () => {
  http.closeAllConnections();
  await new Promise((r) => http.close(r));
  await new Promise((r) => smtp.close(() => r(undefined)));
});

const input = (over: Partial<RaiseInput> = {}): RaiseInput => ({
  key: "h/device/charger-1/overheat",
  hallId: "h",
  deviceId: "charger-1",
  agentId: "h-charger-1",
  kind: "charger",
  faultType: "overheat",
  severity: "critical",
  audience: ["duty_manager", "security"],
  summary: { en: "Charger over temperature: fire risk", zh: "充电桩温度过高，有火灾风险" },
  observed: 61,
  affected: ["charger-1"],
  ...over,
});

function harness(retry = { initialDelayMs: 30, maxDelayMs: 100, maxAttempts: 5 }) {
  const db = openDatabase(":memory:");
  const store = new NotifyStore(db);
  const bus = new EventBus<AlertEvents>(silentLogger());
  const make = () =>
    new NotificationDispatcher({
      store,
      subscribe: (l) => bus.on("alert_changed", l),
      logger: silentLogger(),
      retry,
      pollIntervalMs: 20,
    });
  const dispatcher = make();
  dispatcher.start();
  const emit = (t: Transition, extra: Partial<AlertChange> = {}) =>
    bus.emit("alert_changed", { alert: t.alert, entry: t.entry, ...extra });
  return { db, store, bus, dispatcher, emit, make };
}

beforeEach(() => {
  for (const k of Object.keys(received)) delete received[k];
  mails.length = 0;
  flakyFailuresLeft = 2;
});

describe("notification dispatcher against real receivers", () => {
  it("signs generic webhooks (HMAC over timestamp and body); a receiver with another secret refuses", async () => {
    const { store, emit, dispatcher } = harness({ initialDelayMs: 30, maxDelayMs: 60, maxAttempts: 2 });
    const good = store.addChannel({
      name: "ops",
      language: "en",
      enabled: true,
      config: { type: "webhook", url: `${base}/webhook`, secret: SECRET },
    });
    const bad = store.addChannel({
      name: "wrong",
      language: "en",
      enabled: true,
      config: { type: "webhook", url: `${base}/webhook`, secret: "another-secret-0000000" },
    });
    store.addRule({
      name: "all",
      hallId: null,
      roles: ["duty_manager"],
      minSeverity: "warning",
      actions: ["opened"],
      channelIds: [good.id, bad.id],
    });
    emit(raise(null, input(), 1000, 600_000, "alert-1"));
    await waitFor(() => received["/webhook"]?.length === 1, "signed webhook");
    expect(received["/webhook"]?.[0]?.body).toMatchObject({
      action: "opened",
      alert: { id: "alert-1", faultType: "overheat" },
    });
    await waitFor(
      () => store.deliveries({ limit: 10, channelId: bad.id }).length === 2,
      "two refused attempts",
    );
    expect(
      store.deliveries({ limit: 10, channelId: bad.id }).every((d) => !d.ok && /401/.test(d.error ?? "")),
    ).toBe(true);
    await waitFor(() => store.pending() === 0, "outbox emptied");
    dispatcher.stop();
  });

  it("delivers exactly once to a receiver that fails twice and then succeeds, logging every attempt", async () => {
    const { store, emit, dispatcher } = harness();
    const ch = store.addChannel({
      name: "flaky",
      language: "en",
      enabled: true,
      config: { type: "webhook", url: `${base}/flaky`, secret: SECRET },
    });
    store.addRule({
      name: "all",
      hallId: null,
      roles: ["security"],
      minSeverity: "critical",
      actions: ["opened"],
      channelIds: [ch.id],
    });
    const t = raise(null, input(), 1000, 600_000, "alert-2");
    emit(t);
    emit(t); // the same change twice (e.g. a replayed event) is still one delivery
    await waitFor(() => received["/flaky"]?.length === 1, "eventual delivery");
    await new Promise((r) => setTimeout(r, 200));
    expect(received["/flaky"]).toHaveLength(1);
    expect(store.deliveries({ limit: 10, channelId: ch.id }).map((d) => d.ok)).toEqual([true, false, false]);
    dispatcher.stop();
  });

  it("sends WeCom markdown, DingTalk signed and Feishu signed messages", async () => {
    const { store, emit, dispatcher } = harness();
    const wecom = store.addChannel({
      name: "wecom",
      language: "zh",
      enabled: true,
      config: { type: "wecom", url: `${base}/wecom` },
    });
    const ding = store.addChannel({
      name: "ding",
      language: "zh",
      enabled: true,
      config: { type: "dingtalk", url: `${base}/dingtalk?access_token=t`, secret: DING_SECRET },
    });
    const feishu = store.addChannel({
      name: "feishu",
      language: "en",
      enabled: true,
      config: { type: "feishu", url: `${base}/feishu`, secret: FEISHU_SECRET },
    });
    store.addRule({
      name: "all",
      hallId: "h",
      roles: ["duty_manager"],
      minSeverity: "major",
      actions: ["opened"],
      channelIds: [wecom.id, ding.id, feishu.id],
    });
    emit(raise(null, input(), 1000, 600_000, "alert-3"));
    await waitFor(
      () =>
        received["/wecom"]?.length === 1 &&
        received["/dingtalk"]?.length === 1 &&
        received["/feishu"]?.length === 1,
      "three robots",
    );
    expect(received["/wecom"]?.[0]?.body.markdown.content).toContain("充电桩温度过高");
    expect(received["/dingtalk"]?.[0]?.body.markdown.title).toContain("严重");
    expect(received["/feishu"]?.[0]?.body.content.text).toContain("Charger over temperature");
    dispatcher.stop();
  });

  it("sends e-mail through a real SMTP server, in Chinese", async () => {
    const { store, emit, dispatcher } = harness();
    const mail = store.addChannel({
      name: "mail",
      language: "zh",
      enabled: true,
      config: {
        type: "email",
        host: "127.0.0.1",
        port: smtpPort,
        secure: false,
        user: "hall",
        password: "mail-pass",
        from: "hallwatch@example.org",
        to: ["duty@example.org"],
      },
    });
    store.addRule({
      name: "mail",
      hallId: null,
      roles: ["security"],
      minSeverity: "critical",
      actions: ["opened"],
      channelIds: [mail.id],
    });
    emit(raise(null, input(), 1000, 600_000, "alert-4"));
    await waitFor(() => mails.length === 1, "mail received", 10_000);
    const subject = /^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(mails[0] ?? "")?.[1] ?? "";
    const decoded = subject
      .replace(/\r\n[ \t]/g, "")
      .replace(/=\?UTF-8\?B\?([^?]+)\?=/gi, (_, b64: string) => Buffer.from(b64, "base64").toString("utf8"));
    expect(decoded).toContain("充电桩温度过高");
    dispatcher.stop();
  });

  it("always follows a notified alert with its resolution, but never notifies an alert in maintenance", async () => {
    const { store, emit, dispatcher } = harness();
    const ch = store.addChannel({
      name: "ops",
      language: "en",
      enabled: true,
      config: { type: "webhook", url: `${base}/webhook`, secret: SECRET },
    });
    store.addRule({
      name: "openings only",
      hallId: null,
      roles: ["duty_manager"],
      minSeverity: "warning",
      actions: ["opened"],
      channelIds: [ch.id],
    });
    const opened = raise(null, input(), 1000, 600_000, "alert-5");
    emit(opened);
    await waitFor(() => received["/webhook"]?.length === 1, "opened");
    const resolved = autoResolve(opened.alert, 2000) as Transition;
    emit(resolved);
    await waitFor(() => received["/webhook"]?.length === 2, "resolved follows");
    expect(received["/webhook"]?.[1]?.body.action).toBe("resolved");
    const quiet = raise(
      null,
      input({ key: "h/device/charger-2/overheat", deviceId: "charger-2", inMaintenance: true }),
      3000,
      600_000,
      "alert-6",
    );
    emit(quiet);
    emit(autoResolve(quiet.alert as Alert, 4000) as Transition);
    await new Promise((r) => setTimeout(r, 300));
    expect(received["/webhook"]?.map((r) => r.body.alert.id)).toEqual(["alert-5", "alert-5"]);
    dispatcher.stop();
  });

  it("keeps queued notifications across a dispatcher restart", async () => {
    const { store, emit, dispatcher, make } = harness({
      initialDelayMs: 10_000,
      maxDelayMs: 10_000,
      maxAttempts: 5,
    });
    const ch = store.addChannel({
      name: "later",
      language: "en",
      enabled: true,
      config: { type: "webhook", url: `${base}/flaky`, secret: SECRET },
    });
    store.addRule({
      name: "all",
      hallId: null,
      roles: ["security"],
      minSeverity: "warning",
      actions: ["opened"],
      channelIds: [ch.id],
    });
    flakyFailuresLeft = 1;
    emit(raise(null, input(), 1000, 600_000, "alert-7"));
    await waitFor(() => store.deliveries({ limit: 5 }).length === 1, "first attempt failed");
    dispatcher.stop();
    expect(store.pending()).toBe(1);
    const again = new NotificationDispatcher({
      store,
      subscribe: () => () => undefined,
      logger: silentLogger(),
      pollIntervalMs: 20,
      now: () => Date.now() + 20_000,
    });
    again.start();
    await waitFor(() => received["/flaky"]?.length === 1, "delivered after restart");
    await waitFor(() => store.pending() === 0, "outbox emptied");
    again.stop();
    void make;
  });

  it("routes by hall, role, severity and escalation", async () => {
    const { store, dispatcher } = harness();
    const ch = store.addChannel({
      name: "x",
      language: "en",
      enabled: true,
      config: { type: "wecom", url: `${base}/wecom` },
    });
    store.addRule({
      name: "floor, north only",
      hallId: "north",
      roles: ["floor_staff"],
      minSeverity: "warning",
      actions: ["opened", "escalated"],
      channelIds: [ch.id],
    });
    const { route } = await import("../../src/notify/routing.js");
    const change = (over: Partial<RaiseInput>, escalatedTo?: AlertChange["escalatedTo"]) => {
      const t = raise(
        null,
        input({ hallId: "north", audience: ["floor_staff"], severity: "warning", ...over }),
        0,
        0,
        "z",
      );
      return { alert: t.alert, entry: t.entry, ...(escalatedTo ? { escalatedTo } : {}) };
    };
    expect(route(change({}), store.rules()).size).toBe(1);
    expect(route(change({ hallId: "south" }), store.rules()).size).toBe(0);
    expect(route(change({ audience: ["maintenance"] }), store.rules()).size).toBe(0);
    const escalated = change({ audience: ["maintenance"] }, ["floor_staff"]);
    escalated.entry = { ...escalated.entry, action: "escalated" };
    expect(route(escalated, store.rules()).size).toBe(1);
    dispatcher.stop();
  });

  it("escapes markdown so names show as text", () => {
    expect(escapeMarkdown("<script>**x**</script>")).toBe("&lt;script&gt;\\*\\*x\\*\\*&lt;/script&gt;");
  });
});
