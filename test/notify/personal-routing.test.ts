import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { EventBus } from "../../src/aggregator/event-bus.js";
import type { AlertEvents } from "../../src/alerts/alert-service.js";
import { type Alert, autoResolve, recordNotice, type Transition } from "../../src/core/alerts/alert.js";
import { silentLogger } from "../../src/logging.js";
import { NotificationDispatcher } from "../../src/notify/dispatcher.js";
import { ChainStore } from "../../src/notify/people/chains.js";
import { PersonalNotifier } from "../../src/notify/people/personal-notifier.js";
import type { SilenceLookup } from "../../src/notify/people/ports.js";
import { openDatabase } from "../../src/store/database.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";
import { waitFor } from "../helpers/wait.js";
import { asChange, opened } from "./fixtures.js";
import { Contacts, localSenders, recipientOf, ShiftList } from "./people-parts.js";
import { startSmtpReceiver } from "./receivers.js";

const HOUR = 3_600_000;
/** 22:00 in Asia/Shanghai on Tue 1 Dec 2026: the day duty manager hands over to the night one. */
const HANDOVER = Date.UTC(2026, 11, 1, 14, 0);

let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
const dir = mkdtempSync(join(tmpdir(), "hallwatch-people-"));
const stops: (() => Promise<void> | void)[] = [];
beforeAll(async () => {
  smtp = await startSmtpReceiver();
});
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  smtp.mails.length = 0;
});
afterAll(async () => {
  await smtp.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A dispatcher and a personal notifier on one SQLite file, fed by a bus shaped like AlertService.bus. */
function harness(options: { silences?: SilenceLookup; quiet?: [number, number][] } = {}) {
  let t = HANDOVER - HOUR;
  const db = openDatabase(join(dir, `${Math.random().toString(36).slice(2)}.db`));
  const bus = new EventBus<AlertEvents>(silentLogger());
  const alerts = new Map<string, Alert>();
  const sql = new SqliteEngine(db);
  const dispatcher = new NotificationDispatcher({
    sql,
    subscribe: (l) => bus.on("alert_changed", l),
    logger: silentLogger(),
    pollIntervalMs: 10,
    personalSenders: localSenders(smtp.port),
    now: () => t,
  });
  const notifier = new PersonalNotifier({
    sql,
    chains: new ChainStore(sql),
    outbox: dispatcher.store.outbox,
    subscribe: (l) => bus.on("alert_changed", l),
    alerts: {
      get: (id) => {
        const alert = alerts.get(id);
        return alert ? { alert } : null;
      },
      recordNotice: (id, username, detail) => {
        const alert = alerts.get(id);
        if (alert) alerts.set(id, recordNotice(alert, username, detail, t).alert);
      },
    },
    duty: new ShiftList([
      { hallId: "h", role: "duty_manager", username: "day", fromMs: HANDOVER - 14 * HOUR, toMs: HANDOVER },
      { hallId: "h", role: "duty_manager", username: "night", fromMs: HANDOVER, toMs: HANDOVER + 10 * HOUR },
      { hallId: "h", role: "security", username: "guard", fromMs: 0, toMs: HANDOVER + 10 * HOUR },
    ]),
    contacts: new Contacts({
      day: { media: ["sms"] },
      night: { media: ["push", "sms"] },
      guard: { media: ["wecom"], quiet: options.quiet ?? [] },
    }),
    ...(options.silences ? { silences: options.silences } : {}),
    languageOf: () => "zh",
    linkBaseUrl: null,
    logger: silentLogger(),
    onQueued: () => void dispatcher.deliverDue(),
    track: (work) => dispatcher.track(work),
    now: () => t,
  });
  dispatcher.start();
  notifier.start();
  stops.push(
    () => notifier.stop(),
    () => dispatcher.stop(),
  );
  const emit = (tr: Transition, extra = {}) => {
    alerts.set(tr.alert.id, tr.alert);
    bus.emit("alert_changed", asChange(tr, extra));
  };
  return {
    emit,
    alerts,
    setTime: (ms: number) => {
      t = ms;
    },
    delivered: async (count: number) => {
      await waitFor(() => smtp.mails.length >= count, `${count} notices`);
      await dispatcher.deliverDue();
      return smtp.mails.map(recipientOf).sort();
    },
  };
}

describe("personal routing: the people on duty for the alert's hall and audience", () => {
  it("across a shift change, each notice goes to the person on duty at that instant", async () => {
    const h = harness();
    h.setTime(HANDOVER - 1);
    h.emit(opened("before", { severity: "major" }, HANDOVER - 1));
    expect(await h.delivered(2)).toEqual(["day:sms", "guard:wecom"]);
    smtp.mails.length = 0;
    h.setTime(HANDOVER);
    h.emit(opened("after", { severity: "major", key: "h/device/c2/overheat" }, HANDOVER));
    expect(await h.delivered(2)).toEqual(["guard:wecom", "night:push"]); // the preferred medium only
    // The first alert resolves after the handover: its resolution goes to the people told about it (day).
    smtp.mails.length = 0;
    h.setTime(HANDOVER + HOUR);
    const before = h.alerts.get("before") as Alert;
    h.emit(autoResolve(before, HANDOVER + HOUR) as Transition);
    expect(await h.delivered(2)).toEqual(["day:sms", "guard:wecom"]);
    expect(h.alerts.get("after")?.notifiedUsers?.sort()).toEqual(["guard", "night"]);
  });

  it("quiet hours hold back all but critical alerts", async () => {
    const h = harness({ quiet: [[0, HANDOVER + 10 * HOUR]] });
    h.emit(opened("major", { severity: "major" }, HANDOVER - HOUR));
    expect(await h.delivered(1)).toEqual(["day:sms"]);
    smtp.mails.length = 0;
    h.emit(opened("critical", { severity: "critical", key: "h/device/c3/overheat" }, HANDOVER - HOUR));
    expect(await h.delivered(2)).toEqual(["day:sms", "guard:wecom"]);
  });

  it("a silence or maintenance stops notices; the resolution of a notified alert still goes out", async () => {
    let silenced = false;
    const h = harness({ silences: { silencing: async () => (silenced ? { id: "s1" } : null) } });
    h.emit(opened("a", { severity: "major" }, HANDOVER - HOUR));
    expect(await h.delivered(2)).toEqual(["day:sms", "guard:wecom"]);
    smtp.mails.length = 0;
    silenced = true;
    h.emit(opened("b", { severity: "major", key: "h/device/c4/overheat" }, HANDOVER - HOUR));
    h.emit(
      opened(
        "m",
        { severity: "critical", key: "h/device/c5/overheat", inMaintenance: true },
        HANDOVER - HOUR,
      ),
    );
    h.emit(autoResolve(h.alerts.get("a") as Alert, HANDOVER - HOUR + 1) as Transition);
    expect(await h.delivered(2)).toEqual(["day:sms", "guard:wecom"]);
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.mails.length).toBe(2); // nothing for the silenced or the maintenance alert
  });
});
