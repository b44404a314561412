import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, Browser, startHallwatch } from "../helpers/hallwatch.js";
import { waitFor } from "../helpers/wait.js";
import { overheat } from "../notify/fixtures.js";
import { Contacts, localSenders, peopleParts, recipientOf, ShiftList } from "../notify/people-parts.js";
import { decodeMail, startSmtpReceiver } from "../notify/receivers.js";

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 1, 2, 0); // 10:00 in Shanghai
const PASSWORD = "Lantern-Queue-Nine-7";

/**
 * Issue 14: an alert assigned to a person reaches that person in person, like an escalation step — their own
 * medium, the signed one-tap link, quiet hours unless the alert is critical — over the real server and SMTP.
 */
describe("assigning an alert notifies the assignee", () => {
  const t = T0;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let hw: Awaited<ReturnType<typeof startHallwatch>>;
  let dm1: Browser;
  let n = 0;
  const signedIn = async (username: string, password = PASSWORD) => {
    const b = new Browser(hw.url);
    expect((await b.signIn(username, password)).status).toBe(200);
    return b;
  };
  /** Raises an alert in h1 (for the duty manager and security); dm1, on duty, is told at once. */
  const raised = async (severity: "critical" | "major"): Promise<string> => {
    n += 1;
    const key = `h1/device/c${n}/overheat`;
    const before = smtp.mails.length;
    const alert = hw.server.alerts.reconcileExternal(
      key,
      overheat({ hallId: "h1", key, deviceId: `c${n}`, affected: [`c${n}`], severity }),
    );
    if (!alert) throw new Error("no alert");
    await waitFor(() => smtp.mails.slice(before).some((m) => recipientOf(m) === "dm1:email"), "dm1's notice");
    return alert.id;
  };
  /** Everything queued so far has been sent: mails that arrived since `before`, as `username:medium`. */
  const settledSince = async (before: number): Promise<string[]> => {
    await hw.server.people?.idle();
    await hw.server.dispatcher.deliverDue();
    return smtp.mails.slice(before).map(recipientOf);
  };

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    hw = await startHallwatch(
      { publicUrl: "https://hw.example.org", notify: { groupWindowMs: 0 } },
      {
        now: () => t,
        people: peopleParts(
          // Only dm1 is on duty: the security people hear of an alert only when it is handed to them.
          new ShiftList([
            { hallId: "h1", role: "duty_manager", username: "dm1", fromMs: 0, toMs: T0 + 1000 * HOUR },
          ]),
          new Contacts({
            dm1: { media: ["email"] },
            sec1: { media: ["sms", "email"] },
            sec2: { media: ["wecom"], quiet: [[T0 - HOUR, T0 + HOUR]] },
          }),
          localSenders(smtp.port),
        ),
      },
    );
    const admin = await signedIn("admin", ADMIN_PASSWORD);
    expect((await admin.json("POST", "/api/halls", { id: "h1", name: "h1" })).status).toBe(200);
    for (const [username, role, language] of [
      ["dm1", "duty_manager", "zh"],
      ["sec1", "security", "en"],
      ["sec2", "security", "zh"],
    ] as const) {
      const created = await admin.json("POST", "/api/users", {
        username,
        displayName: username,
        password: PASSWORD,
        roles: [role],
        halls: ["h1"],
        language,
      });
      expect(created.status).toBe(200);
    }
    dm1 = await signedIn("dm1");
  });
  afterAll(async () => {
    await hw?.stop();
    await smtp?.close();
  });

  it("the assignee gets a notice on their preferred medium with a signed link that acts as them; it is on the timeline", async () => {
    const alertId = await raised("major");
    const before = smtp.mails.length;
    expect((await dm1.json("POST", `/api/alerts/${alertId}/assign`, { username: "sec1" })).status).toBe(200);
    const mail = await waitFor(
      () => smtp.mails.slice(before).find((m) => recipientOf(m) === "sec1:sms"),
      "sec1's notice of the assignment",
    );
    expect(await settledSince(before)).toEqual(["sec1:sms"]); // one notice, to the assignee only
    const { subject, body } = decodeMail(mail);
    expect(subject).toContain("Assigned"); // in the assignee's language
    expect(body).toContain("Assigned by: dm1"); // who handed it over
    const token = /https:\/\/hw\.example\.org\/#\/act\/([A-Za-z0-9_.-]+)/.exec(body)?.[1];
    if (!token) throw new Error(`no action link in: ${body}`);

    const acted = await fetch(`${hw.url}/api/act/${token}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ action: "acknowledge", comment: "on it" }),
    });
    expect(acted.status).toBe(200);
    const admin = await signedIn("admin", ADMIN_PASSWORD);
    const detail = await admin.json("GET", `/api/alerts/${alertId}`);
    expect(detail.body.acknowledged.by).toBe("sec1");
    const notices = detail.body.history.filter((h: { action: string }) => h.action === "notified");
    expect(notices).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          detail: expect.objectContaining({ username: "sec1", medium: "sms", action: "assigned" }),
        }),
      ]),
    );
  });

  it("quiet hours hold the notice of a non-critical alert, never of a critical one", async () => {
    const major = await raised("major");
    let before = smtp.mails.length;
    expect((await dm1.json("POST", `/api/alerts/${major}/assign`, { username: "sec2" })).status).toBe(200);
    expect(await settledSince(before)).toEqual([]);

    const critical = await raised("critical");
    before = smtp.mails.length;
    expect((await dm1.json("POST", `/api/alerts/${critical}/assign`, { username: "sec2" })).status).toBe(200);
    await waitFor(
      () => smtp.mails.slice(before).some((m) => recipientOf(m) === "sec2:wecom"),
      "sec2's notice of the critical assignment",
    );
  });

  it("assigning to oneself tells nobody", async () => {
    const alertId = await raised("major");
    const before = smtp.mails.length;
    expect((await dm1.json("POST", `/api/alerts/${alertId}/assign`, { username: "dm1" })).status).toBe(200);
    expect(await settledSince(before)).toEqual([]);
  });
});
