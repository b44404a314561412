import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, Browser, startHallwatch } from "../helpers/hallwatch.js";
import { waitFor } from "../helpers/wait.js";
import { overheat } from "./fixtures.js";
import { ALIYUN_KEY_ID, ALIYUN_KEY_SECRET, startAliyunSms } from "./receivers-personal/aliyun-sms.js";
import { startWecomApp, WECOM_CORP_ID, WECOM_SECRET } from "./receivers-personal/wecom-app.js";

const PASSWORD = "Lantern-Queue-Nine-7";

/**
 * The escalation test checks steps and media with an SMTP stand-in for every medium; this one runs an escalation
 * step through the server's own wiring — contacts saved over the API, provider channels, the personal senders with
 * the providers' SDKs — to local receivers that check each provider's signature, on the real clock.
 */
describe("an escalation step over the real providers, end to end", () => {
  let aliyun: Awaited<ReturnType<typeof startAliyunSms>>;
  let wecom: Awaited<ReturnType<typeof startWecomApp>>;
  let hw: Awaited<ReturnType<typeof startHallwatch>>;
  let admin: Browser;

  beforeAll(async () => {
    aliyun = await startAliyunSms();
    wecom = await startWecomApp();
    hw = await startHallwatch({ publicUrl: "https://hw.example.org", notify: { groupWindowMs: 0 } });
    admin = new Browser(hw.url);
    expect((await admin.signIn("admin", ADMIN_PASSWORD)).status).toBe(200);
    expect((await admin.json("POST", "/api/halls", { id: "h1", name: "h1" })).status).toBe(200);
    for (const config of [
      {
        type: "aliyun_sms",
        accessKeyId: ALIYUN_KEY_ID,
        accessKeySecret: ALIYUN_KEY_SECRET,
        signName: "营业厅监控",
        templateCode: "SMS_4000001",
        endpoint: `http://${aliyun.host}`,
        templateParam: { hall: "hall", fault: "fault", level: "severity", url: "link" },
      },
      {
        type: "wecom_app",
        corpId: WECOM_CORP_ID,
        corpSecret: WECOM_SECRET,
        agentId: 1000002,
        apiBaseUrl: wecom.base,
      },
    ])
      expect((await admin.json("POST", "/api/notify/channels", { name: config.type, config })).status).toBe(
        200,
      );
    const user = await admin.json("POST", "/api/users", {
      username: "dm1",
      displayName: "dm1",
      password: PASSWORD,
      roles: ["duty_manager"],
      halls: ["h1"],
    });
    expect(user.status).toBe(200);
    const contacts = await admin.json("PUT", "/api/users/dm1/contacts", {
      mobile: "+8613800138000",
      wecomUserId: "ZhangSan",
      media: ["wecom", "sms"],
    });
    expect(contacts.status).toBe(200);
    const chain = await admin.json("PUT", "/api/escalation-chains", {
      severity: "critical",
      steps: [{ afterMin: 0, target: { user: "dm1" }, via: ["sms", "wecom"] }],
    });
    expect(chain.status).toBe(200);
  });
  afterAll(async () => {
    await hw?.stop();
    await aliyun?.close();
    await wecom?.close();
  });

  it("the step's SMS and WeCom message reach the providers signed, each with a link that acknowledges as the person", async () => {
    const alert = hw.server.alerts.reconcileExternal(
      "h1/device/charger-1/overheat",
      overheat({ hallId: "h1", key: "h1/device/charger-1/overheat" }),
    );
    if (!alert) throw new Error("no alert");
    const sms = await waitFor(
      () => aliyun.sent.find((p) => p.PhoneNumbers === "+8613800138000"),
      "the SMS",
      10_000,
    );
    const card = await waitFor(
      () => wecom.sent.find((m) => m.body.touser === "ZhangSan"),
      "the WeCom message",
      10_000,
    );
    const smsLink = JSON.parse(sms.TemplateParam ?? "{}").url as string;
    expect(smsLink).toMatch(/^https:\/\/hw\.example\.org\/#\/act\//);
    expect(card.body.textcard.url).toMatch(/^https:\/\/hw\.example\.org\/#\/act\//);
    expect(card.body.textcard.url).not.toBe(smsLink); // one link per notice

    const token = smsLink.split("/#/act/")[1] ?? "";
    const acted = await fetch(`${hw.url}/api/act/${token}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ action: "acknowledge" }),
    });
    expect(acted.status).toBe(200);
    // Each provider's acceptance goes on the timeline (recorded just after the answer: wait for it).
    const delivered = async () =>
      ((await admin.json("GET", `/api/alerts/${alert.id}`)).body.history as { action: string; detail: any }[])
        .filter((h) => h.action === "delivered")
        .map((h) => h.detail.medium as string)
        .sort();
    await waitFor(async () => (await delivered()).length === 2, "both deliveries on the timeline");
    expect(await delivered()).toEqual(["sms", "wecom"]);
    const detail = await admin.json("GET", `/api/alerts/${alert.id}`);
    expect(detail.body.acknowledged.by).toBe("dm1");
  });
});
