import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM } from "../helpers/chromium.js";
import { requireInCi } from "../helpers/external-servers.js";
import { startJsonReceiver } from "../helpers/json-receiver.js";
import { waitFor } from "../helpers/wait.js";
import { ConsoleStack, DESKTOP, PHONE } from "./console-stack.js";

const available = requireInCi(CHROMIUM, "chromium");

interface UserRow {
  username: string;
  displayName: string;
  roles: string[];
  halls: string[];
  disabled: boolean;
}

/** Signs in through the login form of a fresh page (for users that are not in ConsoleStack's table). */
async function signInAs(
  stack: ConsoleStack,
  username: string,
  password: string,
  lang: "zh" | "en",
  viewport: { width: number; height: number } = DESKTOP,
) {
  const page = await stack.browser.newPage({ viewport, locale: lang === "zh" ? "zh-CN" : "en-GB" });
  await page.addInitScript(`localStorage.setItem("hallwatch.lang", ${JSON.stringify(lang)})`);
  await page.goto(`${stack.at.httpUrl}/`);
  await page.fill("input[name=username]", username);
  await page.fill("input[name=password]", password);
  await page.click("button[type=submit]");
  await page.waitForSelector("header");
  return page;
}

async function login(stack: ConsoleStack, username: string, password: string): Promise<number> {
  const response = await fetch(`${stack.at.httpUrl}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  await response.body?.cancel();
  return response.status;
}

const noOverflow = (page: Page) =>
  page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth");

/** Answers the open confirmation dialog: cancel or confirm. */
async function answerConfirm(page: Page, confirm: boolean): Promise<void> {
  const dialog = page.locator("dialog.confirm[open]");
  await dialog.waitFor();
  await dialog.locator(confirm ? "button.danger" : "button:not(.danger)").click();
  await dialog.waitFor({ state: "detached" });
}

describe.skipIf(!available)("the admin's screens: users, agents, devices, channels, own password", () => {
  const stack = new ConsoleStack();
  beforeAll(async () => {
    await stack.start();
    // An admin of their own for the password tests: ConsoleStack's admin keeps its password for the others.
    const created = await stack.api("admin", "POST", "/api/users", {
      username: "chief",
      displayName: "Chief",
      password: "Lantern-Queue-Nine",
      roles: ["admin"],
      halls: ["*"],
    });
    expect(created.status).toBe(200);
  }, 120_000);
  afterAll(() => stack.stop());

  const users = async () => (await stack.api<{ items: UserRow[] }>("admin", "GET", "/api/users")).body.items;

  it("lets any user change their own password from the header's name, then sign in with the new one (zh, desktop; en, phone)", async () => {
    const page = await signInAs(stack, "chief", "Lantern-Queue-Nine", "zh");
    await page.click("header a.who");
    const form = page.locator("form[data-testid=password-form]");
    await form.waitFor();
    // A weak password is refused with the rule, in Chinese.
    await form.locator("input[name=current]").fill("Lantern-Queue-Nine");
    await form.locator("input[name=next]").fill("password123");
    await form.locator("input[name=confirm]").fill("password123");
    await form.locator("button[type=submit]").click();
    await expect.poll(() => form.locator(".error").textContent()).toContain("常用");
    await form.locator("input[name=next]").fill("Copper-Beacon-315");
    await form.locator("input[name=confirm]").fill("Copper-Beacon-316");
    await form.locator("button[type=submit]").click();
    await expect.poll(() => form.locator(".error").textContent()).toContain("不一致");
    await form.locator("input[name=confirm]").fill("Copper-Beacon-315");
    await stack.shot(page, "admin-account-zh-desktop");
    await form.locator("button[type=submit]").click();
    await page.locator("[data-testid=password-changed]").waitFor();
    await page.click("[data-testid=sign-in-again]");
    await page.fill("input[name=username]", "chief");
    await page.fill("input[name=password]", "Copper-Beacon-315");
    await page.click("button[type=submit]");
    await page.waitForSelector("header");
    expect(await login(stack, "chief", "Lantern-Queue-Nine")).toBe(401);
    await page.close();

    const phone = await signInAs(stack, "chief", "Copper-Beacon-315", "en", PHONE);
    await phone.click("header a.who");
    const phoneForm = phone.locator("form[data-testid=password-form]");
    await phoneForm.locator("input[name=current]").fill("Copper-Beacon-315");
    await phoneForm.locator("input[name=next]").fill("Amber-Harbour-62");
    await phoneForm.locator("input[name=confirm]").fill("Amber-Harbour-62");
    expect(await noOverflow(phone)).toBe(true);
    await stack.shot(phone, "admin-account-en-phone");
    await phoneForm.locator("button[type=submit]").click();
    await expect
      .poll(() => phone.locator("[data-testid=password-changed]").textContent())
      .toMatch(/changed/i);
    expect(await login(stack, "chief", "Amber-Harbour-62")).toBe(200);
    await phone.close();
  }, 90_000);

  it("leads a user with a one-time password to the password screen after sign-in", async () => {
    const reset = await stack.api<{ password: string }>("admin", "POST", "/api/users/chief/password", {});
    const page = await signInAs(stack, "chief", reset.body.password, "en", PHONE);
    await page.locator("form[data-testid=password-form]").waitFor();
    expect(page.url()).toContain("#/account");
    await expect(page.locator("[data-testid=must-change]").textContent()).resolves.toMatch(/one-time/i);
    await stack.shot(page, "admin-account-must-change-en-phone");
    await page.close();
  }, 60_000);

  it("adds a user with a chosen hall scope, edits, disables (confirmed) and resets them (zh, desktop)", async () => {
    const page = await stack.signIn("admin", { lang: "zh", hash: "#/admin/users" });
    const form = page.locator("form[data-testid=user-form]");
    await form.waitFor();
    await form.locator("input[name=username]").fill("night-duty");
    await form.locator("input[name=displayName]").fill("夜班值班经理");
    await form.locator("input[name=password]").fill("Velvet-Compass-48");
    await form.locator("input[name=role][value=duty_manager]").check();
    // No hall chosen: refused in the form, nothing created (never "every hall" by default).
    expect(await form.locator("input[name=allHalls]").isChecked()).toBe(false);
    await form.locator("button[type=submit]").click();
    await expect.poll(() => form.locator(".error").textContent()).toContain("营业厅");
    expect((await users()).some((u) => u.username === "night-duty")).toBe(false);
    await form.locator("input[name=hall][value=demo-hall]").check();
    await form.locator("button[type=submit]").click();
    const row = page.locator("[data-testid=users] [data-user=night-duty]");
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain("值班经理");
    expect(await row.textContent()).not.toContain("duty_manager");
    expect((await users()).find((u) => u.username === "night-duty")?.halls).toEqual(["demo-hall"]);

    await row.locator("button.edit").click();
    const edit = page.locator("form[data-testid=user-edit]");
    await edit.locator("input[name=displayName]").fill("夜班值班经理 王");
    await edit.locator("input[name=role][value=maintenance]").check();
    await stack.shot(page, "admin-user-edit-zh-desktop");
    await edit.locator("button[type=submit]").click();
    await edit.waitFor({ state: "detached" });
    await waitFor(async () => (await users()).find((u) => u.displayName === "夜班值班经理 王"), "edited");
    expect((await users()).find((u) => u.username === "night-duty")?.roles).toEqual([
      "duty_manager",
      "maintenance",
    ]);

    await row.locator("button.disable").click();
    await answerConfirm(page, false);
    expect((await users()).find((u) => u.username === "night-duty")?.disabled).toBe(false);
    await row.locator("button.disable").click();
    await answerConfirm(page, true);
    await waitFor(async () => (await users()).find((u) => u.username === "night-duty")?.disabled, "disabled");
    await row.locator("button.enable").click();
    await waitFor(
      async () => (await users()).find((u) => u.username === "night-duty")?.disabled === false,
      "enabled",
    );

    await row.locator("button.reset").click();
    await answerConfirm(page, true);
    const oneTime = (await page.locator("[data-testid=one-time-password] code").textContent())?.trim() ?? "";
    expect(oneTime.length).toBeGreaterThanOrEqual(20);
    expect(await login(stack, "night-duty", oneTime)).toBe(200);
    await stack.shot(page, "admin-users-zh-desktop");
    await page.close();
  }, 90_000);

  it("adds a user with every hall only when ticked, on a phone in English", async () => {
    const page = await stack.signIn("admin", { lang: "en", viewport: PHONE, hash: "#/admin/users" });
    const form = page.locator("form[data-testid=user-form]");
    await form.waitFor();
    await form.locator("input[name=username]").fill("hq-viewer");
    await form.locator("input[name=displayName]").fill("HQ viewer");
    await form.locator("input[name=password]").fill("Velvet-Compass-48");
    await form.locator("input[name=role][value=duty_manager]").check();
    await form.locator("input[name=allHalls]").check();
    await form.locator("button[type=submit]").click();
    await page.locator("[data-testid=users] [data-user=hq-viewer]").waitFor();
    expect((await users()).find((u) => u.username === "hq-viewer")?.halls).toEqual(["*"]);
    await expect(page.locator("[data-testid=users] [data-user=hq-viewer]").textContent()).resolves.toContain(
      "Duty manager",
    );
    expect(await noOverflow(page)).toBe(true);
    await stack.shot(page, "admin-users-en-phone");
    await page.close();
  }, 60_000);

  it("adds, edits, disables (confirmed) and tests a channel; adds and deletes a rule (en, desktop; zh, phone)", async () => {
    const receiver = await startJsonReceiver();
    try {
      const page = await stack.signIn("admin", { lang: "en", hash: "#/admin/notify" });
      const form = page.locator("form[data-testid=channel-form]");
      await form.waitFor();
      await form.locator("select[name=channelType]").selectOption("wecom");
      await form.locator("input[name=channelName]").fill("Duty group");
      await form.locator("input[name=channelUrl]").fill(`${receiver.url}/robot`);
      await form.locator("button[type=submit]").click();
      const row = page.locator("[data-testid=channels] [data-channel='Duty group']");
      await row.waitFor();
      await expect(row.textContent()).resolves.toContain("WeCom");

      await row.locator("button.edit").click();
      const edit = page.locator("form[data-testid=channel-edit]");
      await edit.locator("input[name=channelName]").fill("Night duty group");
      await edit.locator("button[type=submit]").click();
      await edit.waitFor({ state: "detached" });
      const renamed = page.locator("[data-testid=channels] [data-channel='Night duty group']");
      await renamed.waitFor();

      const channels = async () =>
        (
          await stack.api<{ items: { name: string; enabled: boolean }[] }>(
            "admin",
            "GET",
            "/api/notify/channels",
          )
        ).body.items;
      await renamed.locator("button.disable").click();
      await answerConfirm(page, true);
      await waitFor(
        async () => (await channels()).find((c) => c.name === "Night duty group")?.enabled === false,
        "off",
      );
      await renamed.locator("button.enable").click();
      await waitFor(async () => (await channels()).find((c) => c.name === "Night duty group")?.enabled, "on");

      await renamed.locator("button.test").click();
      await waitFor(() => receiver.bodies.length > 0, "test message received");
      await page.locator("[data-testid=deliveries] li").first().waitFor();

      const rule = page.locator("form[data-testid=rule-form]");
      await rule.locator("input[name=ruleName]").fill("Night duty");
      await rule.locator("input[name=ruleRole][value=duty_manager]").check();
      await rule.locator("input[name=ruleChannel]").first().check();
      await rule.locator("button[type=submit]").click();
      const ruleRow = page.locator("[data-testid=rules] [data-rule='Night duty']");
      await ruleRow.waitFor();
      await expect(ruleRow.textContent()).resolves.toContain("Duty manager");
      await stack.shot(page, "admin-notify-en-desktop");
      await ruleRow.locator("button.danger").click();
      await answerConfirm(page, true);
      await ruleRow.waitFor({ state: "detached" });
      await page.close();

      const phone = await stack.signIn("admin", { lang: "zh", viewport: PHONE, hash: "#/admin/notify" });
      await phone.locator("[data-testid=channels] [data-channel='Night duty group']").waitFor();
      expect(await noOverflow(phone)).toBe(true);
      await stack.shot(phone, "admin-notify-zh-phone");
      await phone.close();
    } finally {
      await receiver.close();
    }
  }, 90_000);

  it("provisions an agent (secret once), revokes it only when confirmed, and renames a device (zh, desktop; en, phone)", async () => {
    const page = await stack.signIn("admin", { lang: "zh", hash: "#/admin/agents" });
    const form = page.locator("form[data-testid=agent-form]");
    await form.waitFor();
    await form.locator("input[name=agentId]").fill("demo-hall-kiosk-new");
    await form.locator("button[type=submit]").click();
    const secret = (await page.locator("[data-testid=secret] code").textContent()) ?? "";
    expect(secret.trim().length).toBeGreaterThan(30);
    const row = page.locator("[data-testid=agents] [data-agent=demo-hall-kiosk-new]");
    await row.waitFor();
    const agents = async () =>
      (
        await stack.api<{ items: { agentId: string; revokedMs: number | null }[] }>(
          "admin",
          "GET",
          "/api/admin/agents",
        )
      ).body.items;
    await row.locator("button.revoke").click();
    await answerConfirm(page, false);
    expect((await agents()).find((a) => a.agentId === "demo-hall-kiosk-new")?.revokedMs).toBeNull();
    await row.locator("button.revoke").click();
    await answerConfirm(page, true);
    await waitFor(
      async () => (await agents()).find((a) => a.agentId === "demo-hall-kiosk-new")?.revokedMs,
      "revoked",
    );
    await stack.shot(page, "admin-agents-zh-desktop");

    const device = page.locator("[data-testid=admin-devices] [data-device-row='demo-hall/kiosk-1']");
    await device.locator("input[name=deviceName]").fill("东门自助终端");
    await device.locator("button[type=submit]").click();
    await waitFor(
      async () =>
        (await stack.api<{ name: string | null }>("admin", "GET", "/api/devices/demo-hall/kiosk-1")).body
          .name === "东门自助终端",
      "renamed",
    );
    await page.close();

    const phone = await stack.signIn("admin", { lang: "en", viewport: PHONE, hash: "#/admin/agents" });
    await phone.locator("[data-testid=agents] [data-agent=demo-hall-kiosk-new]").waitFor();
    expect(await noOverflow(phone)).toBe(true);
    await stack.shot(phone, "admin-agents-en-phone");
    await phone.close();
  }, 90_000);

  it("never shows admin forms to floor staff or maintenance; their account page has only their password and own contacts", async () => {
    for (const role of ["floor", "maint"] as const) {
      const page = await stack.signIn(role, { lang: "zh", viewport: PHONE, hash: "#/admin/users" });
      await page.locator("main").waitFor();
      await page.waitForTimeout(500);
      expect(await page.locator("header nav a[href='#/admin']").count()).toBe(0);
      for (const form of ["user-form", "agent-form", "channel-form", "rule-form"])
        expect(await page.locator(`[data-testid=${form}]`).count(), `${role} ${form}`).toBe(0);
      await page.goto(`${stack.at.httpUrl}/#/account`);
      await page.locator("form[data-testid=password-form]").waitFor();
      await page.locator("form[data-testid=contacts-form]").waitFor();
      expect(await page.locator("main form").count()).toBe(2);
      await page.close();
    }
  }, 60_000);

  it("has no serious or critical axe violation in the admin screens and the account page, in zh and en", async () => {
    for (const lang of ["zh", "en"] as const) {
      for (const hash of [
        "#/admin/users",
        "#/admin/agents",
        "#/admin/notify",
        "#/admin/tokens",
        "#/admin/cluster",
        "#/account",
      ]) {
        // axe needs a page of an explicit browser context.
        const context = await stack.browser.newContext({ viewport: PHONE });
        const page = await context.newPage();
        await page.addInitScript(`localStorage.setItem("hallwatch.lang", ${JSON.stringify(lang)})`);
        await page.goto(`${stack.at.httpUrl}/${hash}`);
        await page.fill("input[name=username]", "admin");
        await page.fill("input[name=password]", "console-test-admin");
        await page.click("button[type=submit]");
        await page.locator("main h1").first().waitFor();
        await page.waitForTimeout(300);
        const result = await new AxeBuilder({ page: page as never }).include("main").analyze();
        const serious = result.violations
          .filter((v) => v.impact === "serious" || v.impact === "critical")
          .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
        expect(serious, `${lang} ${hash}`).toEqual([]);
        await context.close();
      }
    }
  }, 300_000);
});
