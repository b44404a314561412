import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConsoleStack, SMALL_PHONE } from "../console/console-stack.js";
import { CHROMIUM } from "../helpers/chromium.js";
import { requireInCi } from "../helpers/external-servers.js";

const available = requireInCi(CHROMIUM, "chromium");
const HALL = "demo-hall";
const noHorizontalScroll = "document.documentElement.scrollWidth <= document.documentElement.clientWidth";

describe.skipIf(!available)("the hall's report schedule on a 360 px phone", () => {
  const stack = new ConsoleStack();
  let channelId = "";
  beforeAll(async () => {
    await stack.start();
    const channel = await stack.api<{ id: string }>("admin", "POST", "/api/notify/channels", {
      name: "总部邮箱",
      language: "zh",
      config: {
        type: "email",
        host: "127.0.0.1",
        port: 2525,
        from: "hw@example.org",
        to: ["hq@example.org"],
      },
    });
    channelId = channel.body.id;
  }, 120_000);
  afterAll(async () => {
    await stack.stop();
  });

  it("the duty manager sets the daily delay, the monthly day and headquarters' channel; it is saved", async () => {
    const page = await stack.signIn("duty", { lang: "zh", viewport: SMALL_PHONE, hash: `#/hall/${HALL}` });
    const form = page.getByTestId("report-schedule-form");
    await form.waitFor();
    await expect(page.getByTestId("report-next").textContent()).resolves.toContain("下次发送");
    await form.getByLabel("闭店后（分钟）").fill("45");
    await form.getByLabel("每月几日").selectOption("3");
    await form.getByTestId(`report-hq-${channelId}`).check();
    await form.getByRole("button", { name: "保存报表计划" }).click();
    await expect
      .poll(() => page.getByTestId("report-schedule-status").textContent(), { timeout: 10_000 })
      .toBe("报表计划已保存");
    expect(await page.evaluate(noHorizontalScroll)).toBe(true);
    const saved = await stack.api<any>("duty", "GET", `/api/halls/${HALL}/report-schedule`);
    expect(saved.body).toMatchObject({
      stored: true,
      schedule: { daily: { afterCloseMin: 45 }, monthly: { day: 3 }, hqChannelIds: [channelId] },
    });
    await page.getByTestId("report-schedule").scrollIntoViewIfNeeded();
    await stack.shot(page, "report-schedule-duty-360");
  }, 60_000);

  it("floor staff see when reports go out, in English too, but no form", async () => {
    const page = await stack.signIn("floor", { lang: "en", viewport: SMALL_PHONE, hash: `#/hall/${HALL}` });
    await page.getByTestId("report-next").waitFor();
    expect(await page.getByTestId("report-schedule").textContent()).toContain("Scheduled reports");
    expect(await page.getByTestId("report-schedule-form").count()).toBe(0);
    expect(await page.evaluate(noHorizontalScroll)).toBe(true);
    await stack.shot(page, "report-schedule-floor-360");
  }, 60_000);
});
