import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM } from "../helpers/chromium.js";
import { requireInCi } from "../helpers/external-servers.js";
import { ConsoleStack, DESKTOP, PHONE } from "./console-stack.js";
import { follow } from "./walk-helpers.js";

const available = requireInCi(CHROMIUM, "chromium");
const T = 20_000;

const WORDS = {
  zh: {
    raised: "告警产生",
    by: "由 值班经理 Duty manager",
    assignedTo: "指派给 导办 Floor staff",
    ackLabel: "备注（可选）",
    commentLabel: "备注内容",
    assigneeLabel: "处理人",
    reasonLabel: "解决原因",
    refusal: "故障仍在持续，恢复后告警会自动解决",
    automatically: "自动",
    nav: "告警记录",
    status: "状态",
    device: "设备",
    resolved: "已解决",
  },
  en: {
    raised: "Raised",
    by: "by 值班经理 Duty manager",
    assignedTo: "to 导办 Floor staff",
    ackLabel: "Comment (optional)",
    commentLabel: "Comment",
    assigneeLabel: "Person",
    reasonLabel: "Why the alert is resolved",
    refusal: "The fault still holds; the alert resolves by itself when it clears",
    automatically: "automatically",
    nav: "Alert history",
    status: "Status",
    device: "Device",
    resolved: "Resolved",
  },
} as const;

/** No horizontal scroll: neither the page nor an open drawer is wider than the screen. */
const noOverflow = (page: Page) =>
  page.evaluate(`(() => {
    const dialog = document.querySelector("dialog[open]");
    return document.documentElement.scrollWidth <= window.innerWidth &&
      (!dialog || dialog.scrollWidth <= dialog.clientWidth);
  })()`);

/** Rows of an RFC 4180 CSV (quoted cells may hold commas, quotes and line breaks). */
function csvIds(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n/);
  const header = (lines[0] ?? "").split(",");
  const idAt = header.indexOf("id");
  // ids are uuids: the first cell of each record line, never quoted.
  return lines
    .slice(1)
    .filter((line) => /^[0-9a-f-]{36},/.test(line))
    .map((line) => line.split(",")[idAt] as string);
}

describe.skipIf(!available)(
  "alert detail and history, as the duty manager in Chromium",
  {
    timeout: 180_000,
  },
  () => {
    const stack = new ConsoleStack();

    beforeAll(async () => {
      await stack.start();
    }, 60_000);

    afterAll(async () => {
      await stack.stop();
    });

    const runs = [
      { lang: "zh", viewport: DESKTOP, kiosk: 1, size: "desktop" },
      { lang: "en", viewport: DESKTOP, kiosk: 2, size: "desktop" },
      { lang: "zh", viewport: PHONE, kiosk: 3, size: "phone" },
      { lang: "en", viewport: PHONE, kiosk: 4, size: "phone" },
    ] as const;

    for (const run of runs) {
      it(`${run.size} ${run.lang}: card → drawer → timeline, acknowledge, comment, assign, refused resolve, automatic resolve`, async () => {
        const w = WORDS[run.lang];
        const name = `自助终端 ${run.kiosk}`;
        const page = await stack.signIn("duty", { lang: run.lang, viewport: run.viewport });
        await page.waitForSelector("[data-testid=live].up");
        stack.simulator.inject("demo-hall", `kiosk-${run.kiosk}`, "paper_jam");
        const card = page.locator("article[data-fault=printer_jam]", { hasText: name });
        await card.waitFor({ timeout: T });
        // Names, not ids: the device's name and the hall's; the fault translated; the value with its label.
        const where = await card.locator("[data-testid=where]").textContent();
        expect(where).toContain(name);
        expect(where).not.toContain(`kiosk-${run.kiosk}`);
        expect(await card.textContent()).toContain(run.lang === "zh" ? "打印机状态 卡纸" : "Printer Jammed");
        await card.locator("button.card-open").click();
        const drawer = page.locator("dialog.drawer[open]");
        await drawer.waitFor();
        await expect
          .poll(() => drawer.locator("li[data-action=opened]").textContent(), { timeout: T })
          .toContain(w.raised);
        // The readings that raised it, with field labels.
        expect(await drawer.locator("[data-testid=readings]").textContent()).toContain(
          run.lang === "zh" ? "纸张余量" : "Paper left",
        );
        await stack.shot(page, `alert-drawer-${run.size}-${run.lang}`);

        await drawer.getByLabel(w.ackLabel).fill("on my way");
        await drawer.locator("form[data-form=acknowledge] button[type=submit]").click();
        await expect
          .poll(() => drawer.locator("li[data-action=acknowledged]").textContent(), { timeout: T })
          .toContain(w.by);

        await drawer.getByLabel(w.commentLabel, { exact: true }).fill("spare roll fetched");
        await drawer.locator("form[data-form=comment] button[type=submit]").click();
        await expect
          .poll(() => drawer.locator("li[data-action=commented]").last().textContent(), { timeout: T })
          .toContain("spare roll fetched");

        await drawer.getByLabel(w.assigneeLabel, { exact: true }).selectOption("floor");
        await drawer.locator("form[data-form=assign] button[type=submit]").click();
        await expect
          .poll(() => drawer.locator("li[data-action=assigned]").textContent(), { timeout: T })
          .toContain(w.assignedTo);

        // Still jammed: the refusal is shown in the form, in the reader's language.
        await drawer.getByLabel(w.reasonLabel).fill("cleared the jam");
        await drawer.locator("form[data-form=resolve] button[type=submit]").click();
        await expect
          .poll(() => drawer.locator("form[data-form=resolve] [role=alert]").textContent(), { timeout: T })
          .toContain(w.refusal);
        expect(await noOverflow(page)).toBe(true);
        await stack.shot(page, `alert-drawer-forms-${run.size}-${run.lang}`);
        await page.keyboard.press("Escape");
        await drawer.waitFor({ state: "detached" });

        // The card now says who acknowledged, who has it, and the latest comment.
        await expect
          .poll(() => card.locator("[data-testid=acknowledged-by]").textContent(), { timeout: T })
          .toContain("值班经理 Duty manager");
        expect(await card.locator("[data-testid=card-assignee]").textContent()).toContain("导办 Floor staff");
        expect(await card.locator("[data-testid=last-comment]").textContent()).toContain(
          "spare roll fetched",
        );
        expect(await noOverflow(page)).toBe(true);
        await stack.shot(page, `alert-card-${run.size}-${run.lang}`);

        // Fixed at the printer: it resolves by itself, and the timeline says so.
        const id = (await card.getAttribute("data-alert-id")) as string;
        stack.simulator.clear("demo-hall", `kiosk-${run.kiosk}`, "paper_jam");
        await card.waitFor({ state: "detached", timeout: T });
        await page.goto(`${stack.at.httpUrl}/#/alerts/${id}`);
        await drawer.waitFor();
        await expect
          .poll(() => drawer.locator("li[data-action=resolved]").textContent(), { timeout: T })
          .toContain(w.automatically);
        await page.close();
      });
    }

    it("shows a sparkline of the value around the raise time", async () => {
      const page = await stack.signIn("duty", { lang: "zh" });
      stack.simulator.inject("demo-hall", "kiosk-1", "paper_low");
      const card = page.locator("article[data-fault=paper_low]", { hasText: "自助终端 1" });
      await card.waitFor({ timeout: T });
      await card.locator("button.card-open").click();
      const trend = page.locator("dialog.drawer[open] [data-testid=trend]");
      await trend.waitFor({ timeout: T });
      // The charts helper's sparkline: the line, the raise time marked, and the figures as text.
      expect(await trend.locator("svg polyline").count()).toBe(1);
      expect(await trend.locator("svg line.spark-mark").count()).toBe(1);
      expect(await trend.locator("figcaption").textContent()).toContain("纸张余量");
      await stack.shot(page, "alert-drawer-sparkline");
      stack.simulator.clear("demo-hall", "kiosk-1", "paper_low");
      await page.close();
    });

    for (const [lang, viewport, size] of [
      ["en", DESKTOP, "desktop"],
      ["zh", PHONE, "phone"],
    ] as const) {
      it(`${size} ${lang}: the history page filters, pages and downloads the same rows as the API`, async () => {
        const w = WORDS[lang];
        const page = await stack.signIn("duty", { lang, viewport });
        await follow(page, w.nav);
        await page.waitForSelector("[data-testid=total]");
        await stack.shot(page, `alert-history-start-${size}-${lang}`);
        await page.getByLabel(w.device, { exact: true }).selectOption("kiosk-2");
        await page.getByLabel(w.status).selectOption("resolved");
        await page.locator("form.filters button[type=submit]").click();
        await expect.poll(() => page.locator("[data-testid=history] li").count(), { timeout: T }).toBe(1);
        expect(await page.locator("[data-testid=history] li").textContent()).toContain(w.resolved);
        expect(await noOverflow(page)).toBe(true);
        await stack.shot(page, `alert-history-${size}-${lang}`);

        const href = (await page.locator("[data-testid=csv]").getAttribute("href")) as string;
        const query = new URLSearchParams(href.split("?")[1]);
        query.delete("lang");
        const api = await stack.api<{ items: { id: string }[]; total: number }>(
          "duty",
          "GET",
          `/api/alerts?${query}&limit=500`,
        );
        const [download] = await Promise.all([
          page.waitForEvent("download"),
          page.locator("[data-testid=csv]").click(),
        ]);
        expect(download.suggestedFilename()).toMatch(/^alerts-demo-hall-\d{8}\.csv$/);
        const csv = readFileSync((await download.path()) as string, "utf8");
        expect(csvIds(csv)).toEqual(api.body.items.map((a) => a.id));
        expect(api.body.total).toBe(1);

        // A row opens the alert's drawer at #/alerts/<id>.
        await page.locator("[data-testid=history] li a").first().click();
        await page.locator("dialog.drawer[open] [data-testid=timeline]").waitFor();
        expect(page.url()).toContain(`#/alerts/${api.body.items[0]?.id}`);
        await page.close();
      });
    }

    it("lists the devices an agent or gateway alert stands for, by name and linked", async () => {
      const page = await stack.signIn("duty", { lang: "en", viewport: PHONE });
      stack.simulator.crashAgent("demo-hall-gateway");
      const card = page
        .locator("article[data-fault=agent_offline], article[data-fault=gateway_down]")
        .first();
      await card.waitFor({ timeout: T });
      await card.locator("button.card-open").click();
      const affected = page.locator("dialog.drawer[open] [data-testid=affected] a");
      await expect.poll(() => affected.count(), { timeout: T }).toBeGreaterThanOrEqual(10);
      const texts = await affected.allTextContents();
      expect(texts).toContain("Fire extinguisher ext-1");
      expect(await affected.first().getAttribute("href")).toMatch(/^#\/device\/demo-hall\//);
      expect(await noOverflow(page)).toBe(true);
      await stack.shot(page, "alert-drawer-affected-phone-en");
      stack.simulator.restartAgent("demo-hall-gateway");
      await page.close();
    });
  },
);
