import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM } from "../helpers/chromium.js";
import { ADMIN_PASSWORD, Browser, startHallwatch } from "../helpers/hallwatch.js";
import { sleep, waitFor } from "../helpers/wait.js";
import { decodeMail, SMTP_PASSWORD, SMTP_USER, startSmtpReceiver } from "../notify/receivers.js";
import { mailAttachments, mailText } from "./mime.js";

// Under the faketime matrix (.ci/faketime-matrix.sh) the preloaded fake clock would reach the Chromium that prints
// the PDF, and its printing never finishes there. The PDF holds no time of its own and the server's clock is
// injected, so the printer runs on the real clock.
delete process.env.LD_PRELOAD;

const utc = (iso: string) => Date.parse(iso);
const HALL = "sh-nanjing-road";
const HALL_NAME = "上海南京路营业厅";
const nine2six = [{ open: "09:00", close: "18:00" }];

let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
const root = mkdtempSync(join(tmpdir(), "hallwatch-reports-"));
beforeAll(async () => {
  smtp = await startSmtpReceiver();
});
afterAll(async () => {
  await smtp.close();
  rmSync(root, { recursive: true, force: true });
});

/** Hallwatch on a data directory that survives restarts, on a clock the test moves. */
function instance(name: string) {
  const clock = { nowMs: 0 };
  const dataDir = join(root, name);
  return {
    clock,
    start: () =>
      startHallwatch(
        { publicUrl: "https://hw.example.org" },
        { now: () => clock.nowMs, dataDir, keep: true },
      ),
  };
}

/** A Shanghai hall (open 09:00–18:00 every day) whose monthly report goes to headquarters' mailbox. */
async function configureHall(url: string, dutyManagers = false) {
  const admin = new Browser(url);
  expect((await admin.signIn("admin", ADMIN_PASSWORD)).status).toBe(200);
  const hall = await admin.json("POST", "/api/halls", {
    id: HALL,
    name: HALL_NAME,
    timeZone: "Asia/Shanghai",
  });
  expect(hall.status).toBe(200);
  const weekly = Object.fromEntries(
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, nine2six]),
  );
  expect(
    (
      await admin.json("PUT", `/api/halls/${HALL}/opening-hours`, {
        openingHours: { timeZone: "Asia/Shanghai", weekly, exceptions: [] },
      })
    ).status,
  ).toBe(200);
  const channel = await admin.json("POST", "/api/notify/channels", {
    name: "HQ mailbox",
    language: "zh",
    config: {
      type: "email",
      host: "127.0.0.1",
      port: smtp.port,
      user: SMTP_USER,
      password: SMTP_PASSWORD,
      from: "hallwatch@example.org",
      to: ["hq-reports@example.org"],
    },
  });
  expect(channel.status).toBe(200);
  const schedule = await admin.json("PUT", `/api/halls/${HALL}/report-schedule`, {
    daily: { enabled: true, afterCloseMin: 30 },
    weekly: { enabled: true, time: "08:00" },
    monthly: { enabled: true, day: 1, time: "08:00" },
    dutyManagers,
    channelIds: [],
    hqChannelIds: [channel.body.id],
  });
  expect(schedule.status).toBe(200);
  if (dutyManagers) {
    const user = await admin.json("POST", "/api/users", {
      username: "duty-sh",
      displayName: "值班经理",
      password: "Duty-Manager-Shanghai-1",
      roles: ["duty_manager"],
      halls: [HALL],
    });
    expect(user.status).toBe(200);
    // Reports reach a person at their own e-mail address (their contact points).
    const contacts = await admin.json("PUT", "/api/users/duty-sh/contacts", { email: "duty-sh@example.org" });
    expect(contacts.status).toBe(200);
  }
  return { admin, hqChannelId: channel.body.id as string };
}

const monthlyMails = () => smtp.mails.filter((m) => m.includes("hq-reports@example.org"));

describe("the monthly report of a Shanghai hall goes to headquarters on the 1st in the hall's zone", () => {
  it("goes out at 08:00 on 1 Dec in Shanghai (1 Dec 00:00Z), not earlier, once across a restart, with CSV and PDF", async () => {
    const before = monthlyMails().length;
    const hw = instance("on-time");
    // 1 Dec 07:59 in Shanghai: already the 1st there, not 08:00 yet.
    hw.clock.nowMs = utc("2026-11-30T23:59:00Z");
    let app = await hw.start();
    try {
      const { admin, hqChannelId } = await configureHall(app.url, true);
      await app.server.reportScheduler.poll();
      await sleep(500);
      expect(monthlyMails().length).toBe(before);
      // Monday 30 Nov: last week's and Monday's reports went to the duty manager (personal e-mail), not to HQ.
      const early = await admin.json("GET", `/api/halls/${HALL}/report-schedule`);
      expect(early.body.lastSent).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ kind: "week", period: "2026-11-23", targets: ["person:duty-sh:email"] }),
          expect.objectContaining({ kind: "day", period: "2026-11-30", targets: ["person:duty-sh:email"] }),
        ]),
      );
      expect(early.body.lastSent.some((r: { kind: string }) => r.kind === "month")).toBe(false);

      hw.clock.nowMs = utc("2026-12-01T00:00:30Z");
      await app.server.reportScheduler.poll();
      await waitFor(() => monthlyMails().length === before + 1, "the monthly report by e-mail", 20_000);
      await app.server.reportScheduler.poll();
      const sent = await admin.json("GET", `/api/halls/${HALL}/report-schedule`);
      expect(sent.body.lastSent).toContainEqual(
        expect.objectContaining({
          kind: "month",
          period: "2026-11-01",
          targets: ["person:duty-sh:email", hqChannelId],
        }),
      );
      // It went through the outbox: the delivery log has it.
      const log = await admin.json("GET", `/api/notify/deliveries?channelId=${hqChannelId}`);
      expect(
        log.body.items.filter((d: { action: string; ok: boolean }) => d.action === "report_month"),
      ).toEqual([expect.objectContaining({ ok: true, alertId: null })]);
      await app.stop();

      hw.clock.nowMs = utc("2026-12-01T00:10:00Z");
      app = await hw.start();
      await app.server.reportScheduler.poll();
      await sleep(1000);
      expect(monthlyMails().length).toBe(before + 1);
    } finally {
      await app.stop();
    }

    const raw = monthlyMails().at(-1) as string;
    const { subject } = decodeMail(raw);
    const body = mailText(raw);
    expect(subject).toContain(HALL_NAME);
    expect(subject).toContain("月报");
    expect(body).toContain("可用率");
    expect(body).toContain(
      `https://hw.example.org/api/halls/${HALL}/reports/month?date=2026-11-01&format=html`,
    );
    expect(subject).toContain("2026-11");
    const files = mailAttachments(raw);
    const csv = files.get(`${HALL}-month-2026-11-01.csv`);
    expect(csv?.contentType).toBe("text/csv");
    expect(csv?.content.toString("utf8")).toContain("section,hallId");
    if (CHROMIUM) {
      const pdf = files.get(`${HALL}-month-2026-11-01.pdf`);
      expect(pdf?.contentType).toBe("application/pdf");
      expect(pdf?.content.subarray(0, 4).toString("latin1")).toBe("%PDF");
      expect(pdf?.content.length ?? 0).toBeGreaterThan(1000);
      // Chromium writes the page's title (with the hall's name) into the PDF's metadata as UTF-16BE hex.
      const utf16be = Buffer.from(HALL_NAME, "utf16le").swap16().toString("hex").toUpperCase();
      expect(pdf?.content.toString("latin1")).toContain(`/Title <FEFF${utf16be}`);
    } else {
      // CI installs Chromium (.ci/run), so this branch only runs on a machine without it.
      expect(files.get(`${HALL}-month-2026-11-01.html`)?.content.toString("utf8")).toContain(HALL_NAME);
    }
  }, 90_000);

  it("goes out once when the server was down on the 1st and starts on the 2nd", async () => {
    const before = monthlyMails().length;
    const hw = instance("late-start");
    hw.clock.nowMs = utc("2026-11-30T12:00:00Z");
    let app = await hw.start();
    try {
      await configureHall(app.url);
      await app.server.reportScheduler.poll();
      await app.stop();

      // Down over the whole 1st; back at 2 Dec 10:00 in Shanghai.
      hw.clock.nowMs = utc("2026-12-02T02:00:00Z");
      app = await hw.start();
      await app.server.reportScheduler.poll();
      await waitFor(() => monthlyMails().length === before + 1, "the missed monthly report", 20_000);
      await app.stop();

      hw.clock.nowMs = utc("2026-12-02T03:00:00Z");
      app = await hw.start();
      await app.server.reportScheduler.poll();
      await sleep(1000);
      expect(monthlyMails().length).toBe(before + 1);
    } finally {
      await app.stop();
    }
    expect(decodeMail(monthlyMails().at(-1) as string).subject).toContain("2026-11");
  }, 90_000);
});
