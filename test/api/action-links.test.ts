import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, Browser, startHallwatch } from "../helpers/hallwatch.js";
import { waitFor } from "../helpers/wait.js";
import { overheat } from "../notify/fixtures.js";
import { Contacts, localSenders, peopleParts, recipientOf, ShiftList } from "../notify/people-parts.js";
import { decodeMail, startSmtpReceiver } from "../notify/receivers.js";

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 1, 2, 0); // 10:00 in Shanghai
const PASSWORD = "Lantern-Queue-Nine-7";

describe("signed action links over HTTP", () => {
  let t = T0;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let hw: Awaited<ReturnType<typeof startHallwatch>>;
  let admin: Browser;
  let n = 0;
  const signedIn = async (username: string, password = PASSWORD) => {
    const b = new Browser(hw.url);
    expect((await b.signIn(username, password)).status).toBe(200);
    return b;
  };
  /** Raises a new alert for the duty manager on duty (dm1) and returns its id and the link of dm1's notice. */
  const noticeLink = async (): Promise<{ alertId: string; token: string }> => {
    n += 1;
    const before = smtp.mails.length;
    const alert = hw.server.alerts.reconcileExternal(
      `h1/device/c${n}/overheat`,
      overheat({ hallId: "h1", key: `h1/device/c${n}/overheat`, deviceId: `c${n}`, affected: [`c${n}`] }),
    );
    if (!alert) throw new Error("no alert");
    const mail = await waitFor(
      () => smtp.mails.slice(before).find((m) => recipientOf(m) === "dm1:push"),
      "dm1's notice",
    );
    const token = /\/#\/act\/([A-Za-z0-9_.-]+)/.exec(decodeMail(mail).body)?.[1];
    if (!token) throw new Error("no link in the notice");
    return { alertId: alert.id, token };
  };
  const post = (token: string, body: unknown, as?: Browser) =>
    as
      ? as.json("POST", `/api/act/${token}`, body)
      : fetch(`${hw.url}/api/act/${token}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        }).then(async (r) => ({ status: r.status, body: await r.json() }));

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    hw = await startHallwatch(
      { publicUrl: "https://hw.example.org", actionLinks: { ttlHours: 24 }, notify: { groupWindowMs: 0 } },
      {
        now: () => t,
        people: peopleParts(
          new ShiftList([
            { hallId: "h1", role: "duty_manager", username: "dm1", fromMs: 0, toMs: T0 + 1000 * HOUR },
          ]),
          new Contacts({ dm1: { media: ["push"] } }),
          localSenders(smtp.port),
        ),
      },
    );
    admin = await signedIn("admin", ADMIN_PASSWORD);
    expect((await admin.json("POST", "/api/halls", { id: "h1", name: "h1" })).status).toBe(200);
    for (const username of ["dm1", "dm2"])
      expect(
        (
          await admin.json("POST", "/api/users", {
            username,
            displayName: username,
            password: PASSWORD,
            roles: ["duty_manager"],
            halls: ["h1"],
          })
        ).status,
      ).toBe(200);
  });
  afterAll(async () => {
    await hw?.stop();
    await smtp?.close();
  });

  it("works once: the second use is refused (403 link_used); the action is audited as that person and theirs on the timeline", async () => {
    const { alertId, token } = await noticeLink();
    const shown = await fetch(`${hw.url}/api/act/${token}`).then((r) => r.json());
    expect(shown).toMatchObject({ username: "dm1", alert: { id: alertId, status: "open" } });
    const first = await post(token, { action: "acknowledge", comment: "on my way" });
    expect(first.status).toBe(200);
    expect(first.body.alert.status).toBe("acknowledged");
    const second = await post(token, { action: "comment", text: "again" });
    expect(second.status).toBe(403);
    expect(second.body.error.code).toBe("link_used");

    admin = await signedIn("admin", ADMIN_PASSWORD);
    const audit = await admin.json("GET", "/api/audit?actor=dm1");
    expect(audit.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor: "dm1", action: "alert_acknowledged", target: alertId }),
      ]),
    );
    const detail = await admin.json("GET", `/api/alerts/${alertId}`);
    const ack = detail.body.history.find((h: { action: string }) => h.action === "acknowledged");
    expect(ack).toMatchObject({ by: "dm1", detail: { comment: "on my way" } });
  });

  it("two taps at the same moment: exactly one acts, the other is refused as used", async () => {
    const { alertId, token } = await noticeLink();
    const taps = await Promise.all([
      post(token, { action: "acknowledge", comment: "tap one" }),
      post(token, { action: "acknowledge", comment: "tap two" }),
    ]);
    expect(taps.map((t) => t.status).sort()).toEqual([200, 403]);
    expect(taps.find((t) => t.status === 403)?.body.error.code).toBe("link_used");
    admin = await signedIn("admin", ADMIN_PASSWORD);
    const detail = await admin.json("GET", `/api/alerts/${alertId}`);
    const acks = detail.body.history.filter((h: { action: string }) => h.action === "acknowledged");
    expect(acks).toHaveLength(1);
  });

  it("a refused action leaves the link usable: acknowledging an alert someone else acknowledged, then commenting", async () => {
    const { alertId, token } = await noticeLink();
    hw.server.alerts.acknowledge(alertId, "admin", null);
    const refused = await post(token, { action: "acknowledge", comment: "" });
    expect(refused.status).toBe(409);
    const acted = await post(token, { action: "comment", text: "seen" });
    expect(acted.status).toBe(200);
    expect((await post(token, { action: "comment", text: "again" })).body.error.code).toBe("link_used");
  });

  it("expires: refused (403 link_expired) once the clock passes the expiry", async () => {
    const { token } = await noticeLink();
    t += 24 * HOUR + 1;
    const late = await post(token, { action: "acknowledge" });
    expect(late.status).toBe(403);
    expect(late.body.error.code).toBe("link_expired");
  });

  it("refuses a tampered token (403 link_invalid)", async () => {
    const { token, alertId } = await noticeLink();
    const [payload = "", signature = ""] = token.split(".");
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    const forged = Buffer.from(JSON.stringify({ ...claims, u: "admin" })).toString("base64url");
    for (const bad of [`${forged}.${signature}`, `${payload}.${signature.slice(0, -2)}AA`, payload]) {
      const answer = await post(bad, { action: "acknowledge" });
      expect(answer.status).toBe(403);
      expect(answer.body.error.code).toBe("link_invalid");
    }
    admin = await signedIn("admin", ADMIN_PASSWORD);
    expect((await admin.json("GET", `/api/alerts/${alertId}`)).body.status).toBe("open");
  });

  it("opens no other route without a session: paths that merely start with /api/act/ are refused", async () => {
    for (const path of ["/api/act/../users", "/api/act/%2e%2e/users", "/api/act/x/../../alerts"]) {
      const answer = await fetch(`${hw.url}${path}`, { redirect: "manual" });
      expect(answer.status, path).not.toBe(200);
      expect(JSON.stringify(await answer.json()), path).not.toContain("username");
    }
  });

  it("when the person's policy needs a sign-in: none → 401, another user's session → 403, their own session acts", async () => {
    const { token } = await noticeLink();
    const dm1 = await signedIn("dm1");
    expect((await dm1.json("PUT", "/api/users/dm1/action-link-policy", { needSignIn: true })).status).toBe(
      200,
    );
    const anonymous = await post(token, { action: "acknowledge" });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe("link_sign_in");
    const dm2 = await signedIn("dm2");
    const wrong = await post(token, { action: "acknowledge" }, dm2);
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe("link_wrong_user");
    expect((await dm2.json("PUT", "/api/users/dm1/action-link-policy", { needSignIn: false })).status).toBe(
      403,
    );
    const own = await post(token, { action: "acknowledge" }, dm1);
    expect(own.status).toBe(200);
  });

  it("escalation chains are for admins only", async () => {
    const dm1 = await signedIn("dm1");
    expect((await dm1.json("GET", "/api/escalation-chains")).status).toBe(403);
    const chain = {
      severity: "major",
      steps: [{ afterMin: 0, target: { onDuty: "duty_manager" } }],
    };
    expect((await dm1.json("PUT", "/api/escalation-chains", chain)).status).toBe(403);
    admin = await signedIn("admin", ADMIN_PASSWORD);
    const bad = await admin.json("PUT", "/api/escalation-chains", {
      ...chain,
      steps: [
        { afterMin: 10, target: { onDuty: "duty_manager" } },
        { afterMin: 5, target: { user: "x" } },
      ],
    });
    expect(bad.status).toBe(400);
    expect((await admin.json("PUT", "/api/escalation-chains", chain)).status).toBe(200);
    expect((await admin.json("GET", "/api/escalation-chains")).body.items).toHaveLength(1);
    expect((await admin.json("DELETE", "/api/escalation-chains/major:*")).status).toBe(200);
  });
});
