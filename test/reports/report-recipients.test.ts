import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, Browser, startHallwatch } from "../helpers/hallwatch.js";
import { waitFor } from "../helpers/wait.js";
import { SMTP_PASSWORD, SMTP_USER, startSmtpReceiver } from "../notify/receivers.js";
import {
  DING_APP_KEY,
  DING_APP_SECRET,
  startDingtalkNotice,
} from "../notify/receivers-personal/dingtalk-notice.js";

// Under the faketime matrix the preloaded fake clock would reach the Chromium that prints the PDF (see
// scheduled-monthly.test.ts); the server's clock is injected.
delete process.env.LD_PRELOAD;

const HALL = "sh-huaihai";
const PASSWORD = "Duty-Manager-Shanghai-1";

/**
 * Issue 14: scheduled reports go "through the person's or group's channels". A duty manager with an e-mail address
 * gets the report by e-mail (PDF and CSV attached); one without gets the summary and the printable page's link on
 * their preferred chat or push medium; SMS, whose provider templates are for alerts, never carries a report.
 */
describe("who gets a hall's scheduled report, and over which of their media", () => {
  let t = 0;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let ding: Awaited<ReturnType<typeof startDingtalkNotice>>;
  let hw: Awaited<ReturnType<typeof startHallwatch>>;
  let admin: Browser;

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    ding = await startDingtalkNotice();
    t = Date.parse("2026-12-06T12:00:00Z"); // Sunday in Shanghai: last week's report is not due yet
    hw = await startHallwatch({ publicUrl: "https://hw.example.org" }, { now: () => t });
    admin = new Browser(hw.url);
    expect((await admin.signIn("admin", ADMIN_PASSWORD)).status).toBe(200);
    const hall = await admin.json("POST", "/api/halls", {
      id: HALL,
      name: "上海淮海路营业厅",
      timeZone: "Asia/Shanghai",
    });
    expect(hall.status).toBe(200);
    const provider = await admin.json("POST", "/api/notify/channels", {
      name: "DingTalk work notices",
      config: {
        type: "dingtalk_notice",
        appKey: DING_APP_KEY,
        appSecret: DING_APP_SECRET,
        agentId: 2000003,
        apiBaseUrl: ding.base,
      },
    });
    expect(provider.status).toBe(200);
    // Personal e-mail goes through the e-mail channel's SMTP server (to the person's own address).
    const mail = await admin.json("POST", "/api/notify/channels", {
      name: "Hall mail server",
      config: {
        type: "email",
        host: "127.0.0.1",
        port: smtp.port,
        user: SMTP_USER,
        password: SMTP_PASSWORD,
        from: "hallwatch@example.org",
        to: ["nobody@example.org"],
      },
    });
    expect(mail.status).toBe(200);
    const schedule = await admin.json("PUT", `/api/halls/${HALL}/report-schedule`, {
      daily: { enabled: false, afterCloseMin: 30 },
      weekly: { enabled: true, time: "08:00" },
      monthly: { enabled: false, day: 1, time: "08:00" },
      dutyManagers: true,
      channelIds: [],
      hqChannelIds: [],
    });
    expect(schedule.status).toBe(200);
    for (const [username, contacts] of [
      ["dm-mail", { email: "dm-mail@example.org", dingtalkUserId: "mail4521", media: ["dingtalk", "email"] }],
      ["dm-ding", { dingtalkUserId: "ding7730", media: ["dingtalk"] }],
      ["dm-sms", { mobile: "+8613800000003", media: ["sms"] }],
    ] as const) {
      const user = await admin.json("POST", "/api/users", {
        username,
        displayName: username,
        password: PASSWORD,
        roles: ["duty_manager"],
        halls: [HALL],
      });
      expect(user.status).toBe(200);
      expect((await admin.json("PUT", `/api/users/${username}/contacts`, contacts)).status).toBe(200);
    }
  });
  afterAll(async () => {
    await hw?.stop();
    await ding?.close();
    await smtp?.close();
  });

  it("e-mail where they have it, else their chat medium with the summary and the link; never SMS", async () => {
    t = Date.parse("2026-12-07T00:00:30Z"); // Monday 08:00:30 in Shanghai
    await hw.server.reportScheduler.poll();
    admin = new Browser(hw.url); // a new session on the moved clock
    expect((await admin.signIn("admin", ADMIN_PASSWORD)).status).toBe(200);
    const sent = await admin.json("GET", `/api/halls/${HALL}/report-schedule`);
    const weekly = sent.body.lastSent.find((r: { kind: string }) => r.kind === "week");
    expect(weekly?.targets.slice().sort()).toEqual(["person:dm-ding:dingtalk", "person:dm-mail:email"]);

    await hw.server.dispatcher.deliverDue();
    const notice = await waitFor(
      () => ding.sent.find((s) => s.body.userid_list === "ding7730"),
      "the report at dm-ding's DingTalk",
      20_000,
    );
    expect(ding.sent.filter((s) => s.body.userid_list === "mail4521")).toEqual([]); // e-mail, not twice
    const card = notice.body.msg.action_card;
    expect(card.markdown).toContain("上海淮海路营业厅");
    expect(card.single_url).toBe(
      `https://hw.example.org/api/halls/${HALL}/reports/week?date=2026-11-30&format=html`,
    );
    await waitFor(
      () => smtp.mails.some((m) => m.includes("dm-mail@example.org")),
      "the report in dm-mail's mailbox",
      20_000,
    );
  });
});
