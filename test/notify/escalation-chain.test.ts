import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, Browser, startHallwatch } from "../helpers/hallwatch.js";
import { waitFor } from "../helpers/wait.js";
import { overheat } from "./fixtures.js";
import { Contacts, localSenders, peopleParts, recipientOf, ShiftList } from "./people-parts.js";
import { decodeMail, startSmtpReceiver } from "./receivers.js";

const MIN = 60_000;
/** 02:00 in the hall's zone (Asia/Shanghai) on Wed 2 Dec 2026: nobody reads the group chat. */
const T0 = Date.UTC(2026, 11, 1, 18, 0);
const PASSWORD = "Lantern-Queue-Nine-7";

describe("an escalation chain that nobody acknowledges, until the signed link does", () => {
  let t = T0;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let hw: Awaited<ReturnType<typeof startHallwatch>>;
  let seen = 0;
  const duty = new ShiftList([
    { hallId: "h1", role: "duty_manager", username: "dm1", fromMs: T0 - 600 * MIN, toMs: T0 + 600 * MIN },
    { hallId: "h1", role: "maintenance", username: "mt1", fromMs: T0 - 600 * MIN, toMs: T0 + 600 * MIN },
    { hallId: "h1", role: "maintenance", username: "mt2", fromMs: T0 + 600 * MIN, toMs: T0 + 1200 * MIN },
  ]);
  const contacts = new Contacts({
    dm1: { media: ["push", "wecom", "sms"] },
    mt1: { media: ["email", "sms"] },
    mt2: { media: ["email"] },
    regional: { media: ["email"] },
  });

  /** Mails that arrived since the last call, as `username:medium`. */
  const newMails = () => {
    const fresh = smtp.mails.slice(seen);
    seen = smtp.mails.length;
    return fresh;
  };
  const signedIn = async (username: string, password = PASSWORD) => {
    const b = new Browser(hw.url);
    expect((await b.signIn(username, password)).status).toBe(200);
    return b;
  };
  /** The server's clock moves to `minutes` after the raise; due steps run and their notices are delivered. */
  const at = async (minutes: number) => {
    t = T0 + minutes * MIN;
    await hw.server.people?.tick();
    await hw.server.dispatcher.deliverDue();
  };

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    hw = await startHallwatch(
      // Steps are checked to the minute: storm grouping (its own test) would hold each for its 30 s window.
      { publicUrl: "https://hw.example.org", notify: { groupWindowMs: 0 } },
      { now: () => t, people: peopleParts(duty, contacts, localSenders(smtp.port)) },
    );
    const admin = await signedIn("admin", ADMIN_PASSWORD);
    for (const id of ["h1", "north"])
      expect((await admin.json("POST", "/api/halls", { id, name: id })).status).toBe(200);
    for (const [username, roles, halls, language] of [
      ["dm1", ["duty_manager"], ["h1"], "zh"],
      ["mt1", ["maintenance"], ["h1"], "zh"],
      ["mt2", ["maintenance"], ["h1"], "zh"],
      ["regional", ["duty_manager"], ["north"], "en"],
    ] as const) {
      const created = await admin.json("POST", "/api/users", {
        username,
        displayName: username,
        password: PASSWORD,
        roles,
        halls,
        language,
      });
      expect(created.status).toBe(200);
    }
    const chain = await admin.json("PUT", "/api/escalation-chains", {
      severity: "critical",
      steps: [
        { afterMin: 0, target: { onDuty: "duty_manager" }, via: ["push", "wecom"] },
        { afterMin: 5, target: { onDuty: "duty_manager" }, via: ["sms"] },
        { afterMin: 10, target: { onDuty: "maintenance" } },
        { afterMin: 20, target: { user: "regional" } },
      ],
      repeatEveryMin: 15,
    });
    expect(chain.status).toBe(200);
  });
  afterAll(async () => {
    await hw?.stop();
    await smtp?.close();
  });

  it("each step fires on time to the right person over the right medium, on the timeline with its delivery; the link's acknowledgement stops it", async () => {
    const alert = hw.server.alerts.reconcileExternal(
      "h1/device/charger-1/overheat",
      overheat({ hallId: "h1", key: "h1/device/charger-1/overheat" }),
    );
    if (!alert) throw new Error("no alert raised");
    await waitFor(() => smtp.mails.length >= 2, "the first step's two notices");
    await at(0);
    expect(newMails().map(recipientOf).sort()).toEqual(["dm1:push", "dm1:wecom"]);

    await at(4);
    expect(newMails()).toEqual([]);
    await at(5);
    expect(newMails().map(recipientOf)).toEqual(["dm1:sms"]);
    await at(9);
    expect(newMails()).toEqual([]);
    await at(10);
    expect(newMails().map(recipientOf)).toEqual(["mt1:email"]); // the maintenance lead's preferred medium
    await at(20);
    const toRegional = newMails();
    expect(toRegional.map(recipientOf)).toEqual(["regional:email"]);
    const mail = decodeMail(toRegional[0] as string);
    expect(mail.subject).toContain("CRITICAL"); // in the person's language (English)
    const link = /https:\/\/hw\.example\.org\/#\/act\/([A-Za-z0-9_.-]+)/.exec(mail.body)?.[1];
    if (!link) throw new Error(`no action link in: ${mail.body}`);

    // The regional manager has no hall in scope, yet sees the alert they were escalated to.
    const regional = await signedIn("regional");
    const listed = await regional.json("GET", "/api/alerts?status=active");
    expect(listed.body.items.map((a: { id: string }) => a.id)).toContain(alert.id);

    await at(34);
    expect(newMails()).toEqual([]);
    await at(35);
    expect(newMails().map(recipientOf)).toEqual(["regional:email"]); // the last step repeats every 15 min

    // Acknowledged from the link (a real HTTP POST, no session): the chain stops.
    const acted = await fetch(`${hw.url}/api/act/${link}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ action: "acknowledge" }),
    });
    expect(acted.status).toBe(200);
    for (const minutes of [50, 65, 120]) {
      await at(minutes);
      expect(newMails()).toEqual([]);
    }

    const admin = await signedIn("admin", ADMIN_PASSWORD);
    const detail = await admin.json("GET", `/api/alerts/${alert.id}`);
    expect(detail.body.status).toBe("acknowledged");
    expect(detail.body.acknowledged.by).toBe("regional");
    const history = detail.body.history as { action: string; atMs: number; by: string | null; detail: any }[];
    const notified = history
      .filter((h) => h.action === "notified")
      .map((h) => `${(h.atMs - T0) / MIN}m ${h.detail.username}:${h.detail.medium} step ${h.detail.step}`);
    expect(notified).toEqual([
      "0m dm1:push step 1",
      "0m dm1:wecom step 1",
      "5m dm1:sms step 2",
      "10m mt1:email step 3",
      "20m regional:email step 4",
      "35m regional:email step 4",
    ]);
    const delivered = history
      .filter((h) => h.action === "delivered")
      .map((h) => `${h.detail.username}:${h.detail.medium}`);
    expect(delivered.sort()).toEqual(
      ["dm1:push", "dm1:wecom", "dm1:sms", "mt1:email", "regional:email", "regional:email"].sort(),
    );
    expect(history.find((h) => h.action === "acknowledged")?.by).toBe("regional");
  });

  it("a restart on the way neither repeats nor skips a step", async () => {
    const alert = hw.server.alerts.reconcileExternal(
      "h1/device/charger-2/overheat",
      overheat({
        hallId: "h1",
        key: "h1/device/charger-2/overheat",
        deviceId: "charger-2",
        affected: ["charger-2"],
      }),
    );
    if (!alert) throw new Error("no alert raised");
    const T1 = t;
    await waitFor(() => smtp.mails.length >= seen + 2, "the first step");
    await hw.server.dispatcher.deliverDue();
    newMails();
    // The server stops and starts again on the same data, 6 minutes later: step 2 once, nothing else.
    const dataDir = hw.dataDir;
    await hw.server.stop();
    t = T1 + 6 * MIN;
    const again = await startHallwatch(
      // Steps are checked to the minute: storm grouping (its own test) would hold each for its 30 s window.
      { publicUrl: "https://hw.example.org", notify: { groupWindowMs: 0 } },
      {
        now: () => t,
        dataDir,
        people: peopleParts(duty, contacts, localSenders(smtp.port)),
      },
    );
    hw = again;
    await again.server.people?.tick();
    await again.server.dispatcher.deliverDue();
    await again.server.people?.tick();
    await again.server.dispatcher.deliverDue();
    expect(newMails().map(recipientOf)).toEqual(["dm1:sms"]);

    // Not told about this alert (yet): the regional manager, with no hall in scope, cannot see it.
    const regional = await signedIn("regional");
    expect((await regional.json("GET", `/api/alerts/${alert.id}`)).status).toBe(404);
    t = T1 + 20 * MIN;
    await again.server.people?.tick();
    await again.server.people?.tick();
    await again.server.dispatcher.deliverDue();
    expect(newMails().map(recipientOf).sort()).toEqual(["mt1:email", "regional:email"]); // delivered in parallel
    // Escalated to: the alert is on their list and board, and they acknowledge it in the console like anyone told.
    const later = await signedIn("regional");
    const listed = await later.json("GET", "/api/alerts?status=active");
    expect(listed.body.items.map((a: { id: string }) => a.id)).toContain(alert.id);
    const ack = await later.json("POST", `/api/alerts/${alert.id}/acknowledge`, {
      comment: "calling the hall",
    });
    expect(ack.status).toBe(200);
    expect(ack.body.acknowledged.by).toBe("regional");
  });
});
