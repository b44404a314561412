import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM } from "../helpers/chromium.js";
import { requireInCi } from "../helpers/external-servers.js";
import { waitFor } from "../helpers/wait.js";
import { ConsoleStack, ROLE_USERS, SMALL_PHONE } from "./console-stack.js";
import { rawCodeProblems, tapTargetProblems } from "./page-checks.js";
import { SERVER_CODES, SERVER_MESSAGES } from "./server-codes.js";

const available = requireInCi(CHROMIUM, "chromium");

interface Chain {
  id: string;
  severity: string;
  hallId: string | null;
  steps: { afterMin: number; target: { onDuty: string } | { user: string }; via: string[] }[];
  repeatEveryMin: number | null;
}

const CODES = [
  ...SERVER_CODES.role,
  ...SERVER_CODES.severity,
  ...SERVER_CODES.error,
  "email",
  "sms",
  "wecom",
  "dingtalk",
  "push",
  "onDuty",
];
const IDS = ["demo-hall", ...Object.values(ROLE_USERS).map((u) => u.username)];

const noOverflow = (page: Page) =>
  page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth");

async function answerConfirm(page: Page): Promise<void> {
  const dialog = page.locator("dialog.confirm[open]");
  await dialog.waitFor();
  await dialog.locator("button.danger").click();
  await dialog.waitFor({ state: "detached" });
}

describe.skipIf(!available)("escalation chains in the admin's console", () => {
  const stack = new ConsoleStack();
  beforeAll(() => stack.start(), 120_000);
  afterAll(() => stack.stop());

  const chains = async () =>
    (await stack.api<{ items: Chain[] }>("admin", "GET", "/api/escalation-chains")).body.items;

  it("lets the admin add a two-step chain on a small phone in zh, read it in words, edit it and delete it", async () => {
    const page = await stack.signIn("admin", {
      lang: "zh",
      viewport: SMALL_PHONE,
      hash: "#/admin/escalation",
    });
    const form = page.locator("form[data-testid=chain-form]");
    await form.waitFor();
    await form.locator("select[name=severity]").selectOption("critical");
    await form.locator("select[name=hallId]").selectOption("demo-hall");
    const first = form.locator("fieldset.chain-step").nth(0);
    await first.locator("input[name=afterMin]").fill("0");
    await first.locator("select[name=targetKind]").selectOption("onDuty");
    await first.locator("select[name=role]").selectOption("duty_manager");
    await first.getByLabel("短信").check();
    await first.getByLabel("浏览器推送").check();
    await form.locator("button[data-testid=add-step]").click();
    const second = form.locator("fieldset.chain-step").nth(1);
    await second.locator("input[name=afterMin]").fill("10");
    await second.locator("select[name=targetKind]").selectOption("user");
    await second.locator("select[name=user]").selectOption("duty");
    await second.getByLabel("企业微信").check();
    await form.locator("input[name=repeatEveryMin]").fill("30");
    await form.locator("button[type=submit]").click();

    const row = page.locator('li[data-chain="critical:demo-hall"]');
    await row.waitFor();
    const text = (await row.textContent()) ?? "";
    expect(text).toContain("严重");
    expect(text).toMatch(/立即.*值班经理.*短信、浏览器推送/);
    expect(text).toMatch(/10 分钟后.*企业微信/);
    expect(text).toContain("30 分钟");
    const saved = await chains();
    expect(saved).toEqual([
      {
        id: "critical:demo-hall",
        severity: "critical",
        hallId: "demo-hall",
        steps: [
          { afterMin: 0, target: { onDuty: "duty_manager" }, via: ["sms", "push"] },
          { afterMin: 10, target: { user: "duty" }, via: ["wecom"] },
        ],
        repeatEveryMin: 30,
      },
    ]);
    expect(await rawCodeProblems(page, CODES, SERVER_MESSAGES, IDS)).toEqual([]);
    expect(await noOverflow(page)).toBe(true);
    expect(await tapTargetProblems(page)).toEqual([]);
    await stack.shot(page, "escalation-chain-listed-zh-360");

    await row.locator("button.edit").click();
    const edit = page.locator("form[data-testid=chain-edit]");
    await edit.waitFor();
    await edit.locator("fieldset.chain-step").nth(1).locator("input[name=afterMin]").fill("15");
    await edit.locator("button[type=submit]").click();
    await waitFor(
      async () => ((await chains())[0]?.steps[1]?.afterMin === 15 ? true : null),
      "the edited step",
      10_000,
      200,
    );
    await page.locator('li[data-chain="critical:demo-hall"]', { hasText: "15 分钟" }).waitFor();

    // A step that fires before the one above it: refused, and the admin reads why in zh.
    await page.locator('li[data-chain="critical:demo-hall"] button.edit').click();
    const again = page.locator("form[data-testid=chain-edit]");
    await again.locator("fieldset.chain-step").nth(0).locator("input[name=afterMin]").fill("20");
    await again.locator("button[type=submit]").click();
    const note = again.locator(".error[role=alert]");
    await note.waitFor();
    expect(await rawCodeProblems(page, CODES, SERVER_MESSAGES, IDS)).toEqual([]);
    expect(await note.textContent()).toContain("上一步");
    expect((await chains())[0]?.steps[0]?.afterMin).toBe(0);
    await stack.shot(page, "escalation-chain-refused-zh-360");

    await again.locator("button", { hasText: "取消" }).click();

    // Deleting a chain someone else already deleted: the server's refusal is read in zh, the list catches up.
    await page.locator('li[data-chain="critical:demo-hall"] button.danger').click();
    expect((await stack.api("admin", "DELETE", "/api/escalation-chains/critical%3Ademo-hall")).status).toBe(
      200,
    );
    await answerConfirm(page);
    await page.locator(".error[role=alert]", { hasText: "已被删除" }).waitFor();
    await page.locator('li[data-chain="critical:demo-hall"]').waitFor({ state: "detached" });
    expect(await rawCodeProblems(page, CODES, SERVER_MESSAGES, IDS)).toEqual([]);

    // And deleting one through the console, confirmed.
    await form.locator("select[name=severity]").selectOption("major");
    await form.locator("select[name=hallId]").selectOption("");
    await form.locator("button[type=submit]").click();
    await page.locator('li[data-chain="major:*"]', { hasText: "全部营业厅" }).waitFor();
    await page.locator('li[data-chain="major:*"] button.danger').click();
    await answerConfirm(page);
    await page.locator('li[data-chain="major:*"]').waitFor({ state: "detached" });
    expect(await chains()).toEqual([]);
    expect(await noOverflow(page)).toBe(true);
    await page.close();
  }, 90_000);

  it("does not show the escalation tab to duty", async () => {
    const page = await stack.signIn("duty", {
      lang: "zh",
      viewport: SMALL_PHONE,
      hash: "#/admin/escalation",
    });
    await page.waitForTimeout(500);
    expect(await page.locator('a[href="#/admin/escalation"]').count()).toBe(0);
    expect(await page.locator("form[data-testid=chain-form]").count()).toBe(0);
    await page.close();
  });
});
