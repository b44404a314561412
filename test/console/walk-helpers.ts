import type { Page } from "playwright-core";
import { expect } from "vitest";
import { type ConsoleStack, DESKTOP, PHONE } from "./console-stack.js";

/** Every walk runs four times: desktop and phone, zh and en. `n` picks a different device or asset per run. */
export const COMBOS = [
  { lang: "zh", viewport: DESKTOP, n: 1 },
  { lang: "en", viewport: DESKTOP, n: 2 },
  { lang: "zh", viewport: PHONE, n: 3 },
  { lang: "en", viewport: PHONE, n: 4 },
] as const;
export type Combo = (typeof COMBOS)[number];

/** Generous: the simulator publishes on its own schedule, slower on a machine shared by six helpers. */
export const T = 30_000;

/** The console's words a person reads, per language (the walks find things by them, as people do). */
export const WORDS = {
  zh: {
    board: "告警看板",
    uptime: "可用率",
    reports: "报表",
    admin: "管理",
    hallCalendar: "营业时间、维护窗口与开门检查",
    windowsLink: "维护窗口与开门前检查",
    ackLabel: "备注（可选）",
    acknowledge: "确认",
    assigneeLabel: "处理人",
    assign: "指派",
    reasonLabel: "解决原因",
    resolve: "解决",
    resolved: "已解决",
    addWindow: "添加维护窗口",
    addRange: "添加时段",
    saveHours: "保存营业时间",
    allPass: "全部合格",
    photo: "照片（可选）",
    submitInspection: "提交巡检记录",
    submitted: "巡检记录已保存",
    details: "查看详情",
    tabUsers: "用户",
    tabNotify: "通知",
  },
  en: {
    board: "Alert board",
    uptime: "Uptime",
    reports: "Reports",
    admin: "Admin",
    hallCalendar: "Opening hours, maintenance windows and readiness",
    windowsLink: "Maintenance windows and readiness",
    ackLabel: "Comment (optional)",
    acknowledge: "Acknowledge",
    assigneeLabel: "Person",
    assign: "Assign",
    reasonLabel: "Why the alert is resolved",
    resolve: "Resolve",
    resolved: "Resolved",
    addWindow: "Add the window",
    addRange: "Add a range",
    saveHours: "Save the opening hours",
    allPass: "All pass",
    photo: "Photo (optional)",
    submitInspection: "Submit inspection",
    submitted: "Inspection recorded",
    details: "Details",
    tabUsers: "Users",
    tabNotify: "Notifications",
  },
} as const;

/** A walk's screenshots and per-page checks: each step checks the page does not scroll sideways, then saves it. */
export class Walk {
  private count = 0;
  constructor(
    private readonly stack: ConsoleStack,
    private readonly role: string,
    private readonly combo: Combo,
  ) {}

  get lang(): "zh" | "en" {
    return this.combo.lang;
  }

  async step(page: Page, name: string): Promise<void> {
    this.count += 1;
    const label = `walk-${this.role}-${this.combo.lang}-${this.combo.viewport.width}-${String(this.count).padStart(2, "0")}-${name}`;
    await page.waitForTimeout(200);
    const widths = (await page.evaluate(`(() => {
      const dialog = document.querySelector("dialog[open]");
      return [document.documentElement.scrollWidth, window.innerWidth,
        dialog ? dialog.scrollWidth : 0, dialog ? dialog.clientWidth : 0];
    })()`)) as [number, number, number, number];
    await this.stack.shot(page, label);
    expect(widths[0], `${label}: the page (${page.url()}) scrolls sideways`).toBeLessThanOrEqual(widths[1]);
    expect(widths[2], `${label}: the open drawer scrolls sideways`).toBeLessThanOrEqual(widths[3]);
  }
}

/** Follows a link of the header's main navigation, as a person does: on a phone, through the menu button first. */
export async function follow(page: Page, name: string): Promise<void> {
  const menu = page.locator("header button.menu");
  if ((await menu.isVisible()) && (await menu.getAttribute("aria-expanded")) !== "true") await menu.click();
  await page.locator("header nav").getByRole("link", { name, exact: true }).click();
}

/** Signs in through the login form of a fresh page, for a user that is not in ConsoleStack's table. */
export async function signInAs(
  stack: ConsoleStack,
  username: string,
  password: string,
  combo: Combo,
): Promise<Page> {
  const page = await stack.browser.newPage({
    viewport: combo.viewport,
    locale: combo.lang === "zh" ? "zh-CN" : "en-GB",
  });
  await page.addInitScript(`localStorage.setItem("hallwatch.lang", ${JSON.stringify(combo.lang)})`);
  await page.goto(`${stack.at.httpUrl}/`);
  await page.fill("input[name=username]", username);
  await page.fill("input[name=password]", password);
  await page.click("button[type=submit]");
  await page.waitForSelector("header");
  return page;
}

/** The status a sign-in with these credentials gets from the API (to check a password change). */
export async function loginStatus(stack: ConsoleStack, username: string, password: string): Promise<number> {
  const response = await fetch(`${stack.at.httpUrl}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  await response.body?.cancel();
  return response.status;
}
