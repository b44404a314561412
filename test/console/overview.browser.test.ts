import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM } from "../helpers/chromium.js";
import { requireInCi } from "../helpers/external-servers.js";
import { ConsoleStack, DESKTOP, PHONE } from "./console-stack.js";

const available = requireInCi(CHROMIUM, "chromium");
// Injected through evaluate (not a script tag, which the console's CSP refuses); AxeBuilder needs its own context.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: { target: string[] }[];
}

/** No page may be wider than its viewport (issue 13, item 6), and axe finds nothing serious in it. */
async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const { scroll, client } = (await page.evaluate(
    "({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })",
  )) as { scroll: number; client: number };
  expect(scroll).toBeLessThanOrEqual(client);
  // And no serious or critical accessibility fault in the page's own content (the shell, and the alert cards the
  // alerts helper rewrites, are tested on their own).
  await page.evaluate(AXE_SOURCE);
  const { violations } = (await page.evaluate(
    'axe.run({ include: [["main"]], exclude: [["[data-testid=board]"]] }, { resultTypes: ["violations"] })',
  )) as { violations: AxeViolation[] };
  expect(
    violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
  ).toEqual([]);
}

describe.skipIf(!available)("status at a glance: hall overview, HQ view, announcements, reports", () => {
  const stack = new ConsoleStack();
  beforeAll(async () => {
    await stack.start();
    // A second hall whose name sorts first, so "worst first" cannot pass by sorting on the name.
    const created = await stack.api("admin", "POST", "/api/halls", {
      id: "a-hall",
      name: "A 东区营业厅 East",
      timeZone: "Asia/Shanghai",
    });
    expect(created.status).toBe(200);
    // Open 09:00–17:00 every day: whatever day and hour the test runs, the next opening is at 09:00 local time.
    const day = [{ open: "09:00", close: "17:00" }];
    const hours = await stack.api("admin", "PUT", "/api/halls/a-hall/opening-hours", {
      openingHours: {
        timeZone: "Asia/Shanghai",
        weekly: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day },
      },
    });
    expect(hours.status).toBe(200);
  });
  afterAll(() => stack.stop());

  it("turns an overheating charger's tile critical, counts it, puts the count in the title and reads it aloud (zh, desktop)", async () => {
    const page = await stack.signIn("duty", { lang: "zh", viewport: DESKTOP });
    await page.waitForSelector("[data-testid=live].up");
    const overview = page.locator("[data-testid=hall-overview][data-hall=demo-hall]");
    await overview.waitFor();
    // Readiness with the next opening in the hall's zone.
    const readiness = overview.locator("[data-testid=readiness]");
    await readiness.waitFor();
    await expect(readiness.textContent()).resolves.toMatch(/Asia\/Shanghai/);
    const tile = overview.locator("a.tile[data-device=charger-2]");
    await tile.waitFor();
    await expect(tile.getAttribute("href")).resolves.toBe("#/device/demo-hall/charger-2");
    await expect(tile.locator("svg.kind-icon[data-kind=charger]").count()).resolves.toBe(1);
    await expect(tile.textContent()).resolves.toContain("手机充电站");
    await expect(tile.getAttribute("class")).resolves.not.toContain("worst-critical");
    // Named devices show their name, not their id.
    await expect(overview.locator("a.tile[data-device=kiosk-1] .name").textContent()).resolves.toBe(
      "自助终端 1",
    );
    // Zones are labelled in the reader's language.
    await expect(overview.locator("[data-zone=waiting] h3").first().textContent()).resolves.toContain(
      "等候区",
    );
    const critical = overview.locator("[data-testid=sev-count-critical]");
    const before = Number(await critical.getAttribute("data-count"));
    await stack.shot(page, "overview-desktop-zh-before");

    // The sound for critical alerts is off until the user turns it on, and the choice is kept.
    const sound = page.getByLabel("严重告警时播放提示音");
    await expect(sound.isChecked()).resolves.toBe(false);
    // Count the tones the page starts (WebAudio oscillators), then turn the sound on.
    await page.evaluate(`(() => {
      window.__tones = 0;
      const create = AudioContext.prototype.createOscillator;
      AudioContext.prototype.createOscillator = function () { window.__tones += 1; return create.call(this); };
    })()`);
    await sound.check();
    await expect(page.evaluate('localStorage.getItem("hallwatch.sound")')).resolves.toBe("on");

    stack.simulator.inject("demo-hall", "charger-2", "overheat");
    await expect
      .poll(() => tile.getAttribute("class"), { timeout: 90_000, interval: 500 })
      .toContain("worst-critical");
    await expect.poll(async () => Number(await critical.getAttribute("data-count"))).toBe(before + 1);
    await expect.poll(() => page.title()).toMatch(/^\(\d+\) /);
    const live = page.locator("[data-testid=announcer]");
    await expect(live.getAttribute("aria-live")).resolves.toMatch(/polite|assertive/);
    await expect.poll(() => live.textContent()).toContain("严重");
    await expect(live.textContent()).resolves.toContain("充电桩温度过高，有火灾风险");
    await expect.poll(() => page.evaluate("window.__tones")).toBeGreaterThan(0);
    await stack.shot(page, "overview-desktop-zh-critical");

    // The device page (the tile grid) shows the same colour.
    await page.goto(`${stack.at.httpUrl}/#/devices`);
    const gridTile = page.locator("a.tile[data-device=charger-2]");
    await gridTile.waitFor();
    await expect(gridTile.getAttribute("class")).resolves.toContain("worst-critical");
    await expectNoHorizontalScroll(page);
    await stack.shot(page, "devices-desktop-zh");
    await page.close();
  }, 150_000);

  it("lists the admin's halls worst first with each hall's health, in English on a phone", async () => {
    // The charger of the first test (inject is idempotent, so this test also stands alone).
    stack.simulator.inject("demo-hall", "charger-2", "overheat");
    const page = await stack.signIn("admin", { lang: "en", viewport: PHONE, hash: "#/halls" });
    // On a phone the nav folds behind the shell's menu button: the link is there, not shown.
    await page.locator("nav a[href='#/halls']").waitFor({ state: "attached" });
    const rows = page.locator("[data-testid=hq] [data-hall]");
    await rows.first().waitFor();
    await expect
      .poll(() => page.locator("[data-testid=hq] [data-hall=demo-hall]").getAttribute("class"), {
        timeout: 90_000,
        interval: 1000,
      })
      .toContain("worst-critical");
    await expect
      .poll(() => rows.evaluateAll((els) => els.map((el) => el.getAttribute("data-hall"))), {
        timeout: 30_000,
      })
      .toEqual(["demo-hall", "a-hall"]);
    const demo = rows.first();
    await expect(
      demo.locator("[data-testid=sev-count-critical]").getAttribute("data-count"),
    ).resolves.not.toBe("0");
    await expect(demo.textContent()).resolves.toMatch(/Critical/);
    await expect(demo.textContent()).resolves.toMatch(/Online/);
    await expect(demo.locator("[data-testid=readiness]").textContent()).resolves.toMatch(/NOT ready/);
    await expect(demo.locator("a").first().getAttribute("href")).resolves.toBe("#/board/demo-hall");
    // The next opening in the hall's own zone.
    await expect(rows.nth(1).locator("[data-testid=readiness]").textContent()).resolves.toMatch(
      /09:00.*Asia\/Shanghai/,
    );
    await expectNoHorizontalScroll(page);
    await stack.shot(page, "hq-phone-en");
    await page.goto(`${stack.at.httpUrl}/#/board`);
    await page.locator("[data-testid=hall-overview]").first().waitFor();
    await expectNoHorizontalScroll(page);
    await stack.shot(page, "overview-phone-en");
    await page.close();
    // The duty manager's overview in the other language at each size.
    for (const [lang, viewport, name] of [
      ["en", DESKTOP, "overview-desktop-en"],
      ["zh", PHONE, "overview-phone-zh"],
    ] as const) {
      const duty = await stack.signIn("duty", { lang, viewport, hash: "#/board/demo-hall" });
      const tile = duty.locator("a.tile[data-device=charger-2]");
      await tile.waitFor();
      await expect.poll(() => tile.getAttribute("class")).toContain("worst-critical");
      await expect(tile.textContent()).resolves.toContain(lang === "en" ? "Phone charger 2" : "手机充电站 2");
      await expectNoHorizontalScroll(duty);
      await stack.shot(duty, name);
      await duty.close();
    }
  }, 150_000);

  it("links a real printable report and CSV for the chosen hall, period and date, and explains MTBF and MTTR", async () => {
    for (const [lang, viewport] of [
      ["zh", PHONE],
      ["en", DESKTOP],
    ] as const) {
      const page = await stack.signIn("duty", { lang, viewport, hash: "#/reports" });
      const form = page.locator("[data-testid=reports]");
      await form.waitFor();
      await page.getByLabel(lang === "zh" ? "周期" : "Period").selectOption("week");
      await page.getByLabel(lang === "zh" ? "日期" : "Date").fill("2026-11-23");
      const html = page.locator("a[data-testid=report-html]");
      const csv = page.locator("a[data-testid=report-csv]");
      await expect(html.getAttribute("href")).resolves.toBe(
        "/api/halls/demo-hall/reports/week?date=2026-11-23&format=html",
      );
      for (const [link, type] of [
        [html, "text/html"],
        [csv, "text/csv"],
      ] as const) {
        const response = await page.request.get(`${stack.at.httpUrl}${await link.getAttribute("href")}`);
        expect(response.status()).toBe(200);
        expect(response.headers()["content-type"]).toContain(type);
      }
      await expect(form.textContent()).resolves.toContain("MTBF");
      await expect(form.textContent()).resolves.toContain(
        lang === "zh" ? "平均故障间隔" : "mean time between",
      );
      await expectNoHorizontalScroll(page);
      await stack.shot(page, `reports-${viewport === PHONE ? "phone" : "desktop"}-${lang}`);
      await page.close();
    }
  }, 60_000);
});
