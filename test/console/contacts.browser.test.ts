import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM } from "../helpers/chromium.js";
import { requireInCi } from "../helpers/external-servers.js";
import { waitFor } from "../helpers/wait.js";
import { ConsoleStack, DESKTOP, SMALL_PHONE } from "./console-stack.js";
import { axeProblems, signInPage } from "./page-checks.js";

const available = requireInCi(CHROMIUM, "chromium");

describe.skipIf(!available)("my contacts on the account page, in a real browser", () => {
  const stack = new ConsoleStack();
  beforeAll(async () => {
    await stack.start();
  });
  afterAll(async () => {
    await stack.stop();
  });

  it("the duty manager sets mobile, DingTalk id, media order and quiet hours on a 360 px phone; a bad number is explained", async () => {
    const page = await signInPage(stack, "duty", { lang: "zh", viewport: SMALL_PHONE, hash: "#/account" });
    const form = page.getByTestId("contacts-form");
    await form.waitFor();
    await form.getByLabel("手机号码").fill("13800138000");
    await form.getByLabel("钉钉用户 ID").fill("manager4521");
    await form.getByLabel("短信", { exact: true }).check();
    await form.getByRole("button", { name: "保存联系方式" }).click();
    // The server's refusal, per field, in the reader's language: never its English message.
    const mobileError = page.getByTestId("contact-error-mobile");
    await mobileError.waitFor();
    expect(await mobileError.textContent()).toContain("+8613800138000");
    expect(await page.locator("body").textContent()).not.toContain("E.164");

    await form.getByLabel("手机号码").fill("+8613800138000");
    await form.getByLabel("钉钉", { exact: true }).check();
    await form.getByLabel("开始", { exact: true }).fill("22:30");
    await form.getByLabel("结束", { exact: true }).fill("06:30");
    await form.getByRole("button", { name: "保存联系方式" }).click();
    await page.getByTestId("contacts-saved").waitFor();
    // Media order: DingTalk moved ahead of SMS.
    await page.getByRole("button", { name: "钉钉 上移" }).click();
    await form.getByRole("button", { name: "保存联系方式" }).click();
    await waitFor(async () => {
      const saved = await stack.api<any>("duty", "GET", "/api/me/contacts");
      return saved.body.media.join(",") === "dingtalk,sms";
    }, "the new order is saved");
    const saved = await stack.api<any>("duty", "GET", "/api/me/contacts");
    expect(saved.body).toMatchObject({
      mobile: "+8613800138000",
      dingtalkUserId: "manager4521",
      quietHours: { start: "22:30", end: "06:30" },
      zone: "Asia/Shanghai",
    });
    const width = (await page.evaluate("document.documentElement.scrollWidth")) as number;
    expect(width).toBeLessThanOrEqual(360);
    const small = await page.$$eval(
      "[data-testid=contacts-form] button, [data-testid=contacts-form] input",
      (els) =>
        els
          .filter((e) => e.getBoundingClientRect().height > 0 && e.getBoundingClientRect().height < 44)
          .map((e) => e.outerHTML.slice(0, 80)),
    );
    expect(small).toEqual([]);
    expect(await axeProblems(page)).toEqual([]);
    await stack.shot(page, "contacts-phone-zh");
    await page.context().close();
  });

  it("'receive notices on this phone' registers the service worker at / under the console's CSP", async () => {
    const page = await stack.signIn("floor", { lang: "en", viewport: DESKTOP, hash: "#/account" });
    await page.context().grantPermissions(["notifications"], { origin: stack.at.httpUrl });
    const sw = await fetch(`${stack.at.httpUrl}/sw.js`);
    expect(sw.headers.get("content-type")).toContain("javascript");
    expect(sw.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(await sw.text()).toContain("notificationclick");
    await page.getByRole("button", { name: "Receive notices on this phone" }).click();
    // Headless Chromium has no push service to reach offline: either it subscribed, or it says so in words.
    const outcome = page.locator("[data-testid=push-subscribed], [data-testid=push-error]");
    await outcome.first().waitFor();
    const scope = await page.evaluate(
      "navigator.serviceWorker.getRegistration('/').then((r) => r && r.scope)",
    );
    expect(scope).toBe(`${stack.at.httpUrl}/`);
    const text = (await outcome.first().textContent()) ?? "";
    expect(text).not.toMatch(/AbortError|DOMException|Failed to fetch|push service error/i);
    await stack.shot(page, "contacts-push-en");
    await page.close();
  });

  it("an admin configures Tencent Cloud SMS once as a personal provider channel, on a phone, with translated labels", async () => {
    const page = await stack.signIn("admin", { lang: "zh", viewport: SMALL_PHONE, hash: "#/admin/notify" });
    const form = page.locator("form[data-testid=channel-form]");
    await form.waitFor();
    await form.locator("select[name=channelType]").selectOption("tencent_sms");
    await form.locator("input[name=channelName]").fill("腾讯短信");
    await form.getByLabel("SecretId").fill("AKID-console");
    await form.getByLabel("SecretKey").fill("console-secret-key");
    await form.getByLabel("短信应用 SdkAppId").fill("1400000009");
    await form.getByLabel("短信签名").fill("营业厅监控");
    await form.getByLabel("模板 ID").fill("778899");
    expect(await form.locator("input[name=channelUrl]").count()).toBe(0);
    await form.locator("button[type=submit]").click();
    await page.locator("[data-testid=channels] [data-channel='腾讯短信']").waitFor();
    const listed = await stack.api<{ items: any[] }>("admin", "GET", "/api/notify/channels");
    const channel = listed.body.items.find((c) => c.name === "腾讯短信");
    expect(channel.config).toMatchObject({
      type: "tencent_sms",
      secretId: "AKID-console",
      secretKey: "••••••",
      sdkAppId: "1400000009",
      templateId: "778899",
      region: "ap-guangzhou",
      endpoint: "sms.tencentcloudapi.com",
    });
    expect((await page.evaluate("document.documentElement.scrollWidth")) as number).toBeLessThanOrEqual(360);
    await stack.shot(page, "contacts-provider-channel-zh");
    await page.close();
  });
});
