import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatDuration, formatRatio } from "../../src/console/client/charts/uptime-format.js";
import { CHROMIUM } from "../helpers/chromium.js";
import { requireInCi } from "../helpers/external-servers.js";
import { waitFor } from "../helpers/wait.js";
import { ConsoleStack, DESKTOP, PHONE } from "./console-stack.js";

const available = requireInCi(CHROMIUM, "chromium");
const HALL = "demo-hall";
type Fig = { ratio: number | null; mtbfMs?: number | null; mttrMs?: number | null; failures?: number };
interface Uptime {
  items: (Fig & { deviceId: string; kind: string; downMs: number })[];
  byKind: Record<string, Fig>;
  byHall: Record<string, Fig>;
  buckets: { startMs: number; endMs: number; byKind: Record<string, Fig>; byDevice: Record<string, Fig> }[];
}

const SETUPS = [
  { lang: "zh", viewport: DESKTOP, name: "desktop-zh" },
  { lang: "en", viewport: DESKTOP, name: "desktop-en" },
  { lang: "zh", viewport: PHONE, name: "phone-zh" },
  { lang: "en", viewport: PHONE, name: "phone-en" },
] as const;

const noOverflow = (page: Page) =>
  page.evaluate(() => {
    const root = (
      globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
    ).document.documentElement;
    return root.scrollWidth <= root.clientWidth;
  });

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
interface AxeResult {
  violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[];
}

/**
 * Axe's serious and critical findings in the page's own section (the shell is checked by the shell's tests), as
 * rule id and first offending node.
 */
const seriousViolations = async (page: Page, selector: string) => {
  // Evaluated through the DevTools protocol, as @axe-core/playwright does: the console's CSP allows no injected script.
  await page.evaluate(AXE_SOURCE);
  const result = (await page.evaluate(`axe.run(${JSON.stringify(selector)})`)) as AxeResult;
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes[0]?.target.join(" ")}`);
};

describe.skipIf(!available)("charts: uptime bars and device telemetry, as maintenance staff", () => {
  const stack = new ConsoleStack();
  beforeAll(() => stack.start());
  afterAll(() => stack.stop());

  it("draws uptime bars for 24 h, 7 d, 30 d and 90 d whose figures equal GET /api/uptime exactly", async () => {
    stack.simulator.inject(HALL, "kiosk-1", "paper_jam"); // one fault, so MTBF has a figure
    await waitFor(
      async () =>
        (await stack.api<Uptime>("maint", "GET", `/api/uptime?hallId=${HALL}`)).body.items.find(
          (r) => r.deviceId === "kiosk-1",
        )?.failures === 1,
      "kiosk-1's fault counted",
      20_000,
    );
    for (const setup of SETUPS) {
      const page = await stack.signIn("maint", {
        lang: setup.lang,
        viewport: setup.viewport,
        hash: "#/uptime",
        timezoneId: "America/Los_Angeles",
      });
      for (const range of ["24h", "7d", "30d", "90d"]) {
        await page.click(`[data-testid=uptime] button[data-range="${range}"]`);
        const section = page.locator(`[data-testid=uptime][data-range="${range}"][data-loaded=true]`);
        await section.waitFor({ timeout: 15_000 });
        await expect(
          page.locator(`button[data-range="${range}"]`).getAttribute("aria-pressed"),
        ).resolves.toBe("true");
        expect(await page.locator('button[aria-pressed="true"][data-range]').count()).toBe(1);
        const fromMs = await section.getAttribute("data-from-ms");
        const toMs = await section.getAttribute("data-to-ms");
        const bucket = await section.getAttribute("data-bucket");
        expect(bucket).toBe(range === "24h" ? "hour" : "day");
        const api = (
          await stack.api<Uptime>(
            "maint",
            "GET",
            `/api/uptime?hallId=${HALL}&fromMs=${fromMs}&toMs=${toMs}&bucket=${bucket}&perDevice=true`,
          )
        ).body;
        const where = `${setup.name} ${range}`;
        // One cell per bucket in each bar, each carrying exactly the API's figure.
        const kioskCells = page.locator("[data-testid=bar-device-kiosk-1] .ucell");
        expect(await kioskCells.count(), where).toBe(api.buckets.length);
        expect(
          await kioskCells.evaluateAll((cells) => cells.map((c) => c.getAttribute("data-ratio"))),
          where,
        ).toEqual(api.buckets.map((b) => String(b.byDevice["kiosk-1"]?.ratio ?? "")));
        const kindCells = page.locator("[data-testid=bar-kind-extinguisher] .ucell");
        expect(
          await kindCells.evaluateAll((cells) => cells.map((c) => c.getAttribute("data-ratio"))),
          where,
        ).toEqual(api.buckets.map((b) => String(b.byKind.extinguisher?.ratio ?? "")));
        // The focused bar tells the figures of its chosen cell, from the keyboard.
        const bar = page.locator("[data-testid=bar-device-kiosk-1]");
        await bar.focus();
        await page.keyboard.press("End");
        const last = api.buckets[api.buckets.length - 1]?.byDevice["kiosk-1"] ?? { ratio: null };
        await expect(bar.getAttribute("aria-valuetext")).resolves.toContain(formatRatio(last.ratio));
        // Its period is on the hall's clock (Shanghai), whatever the browser's zone is.
        const lastStartMs = api.buckets[api.buckets.length - 1]?.startMs ?? 0;
        // The browser runs in Los Angeles, 16 hours behind the hall, so an hour read on the browser's clock fails.
        const locale = setup.lang === "zh" ? "zh-CN" : "en-GB";
        const hallZone = { timeZone: "Asia/Shanghai" } as const;
        const hallDay = new Date(lastStartMs).toLocaleDateString(locale, {
          month: "short",
          day: "numeric",
          ...hallZone,
        });
        const hallHour = new Date(lastStartMs).toLocaleTimeString(locale, {
          hour: "2-digit",
          minute: "2-digit",
          hour12: false,
          ...hallZone,
        });
        await expect(bar.getAttribute("aria-valuetext")).resolves.toContain(
          range === "24h" ? `${hallDay} ${hallHour}` : hallDay,
        );
        // Figures per device, kind and hall: text and raw value both equal the API's.
        for (const row of api.items) {
          const tr = page.locator(`[data-testid=uptime-table] tr[data-device="${row.deviceId}"]`);
          expect(await tr.locator("td[data-fig=availability]").textContent(), where).toBe(
            formatRatio(row.ratio),
          );
          expect(await tr.locator("td[data-fig=availability]").getAttribute("data-value")).toBe(
            String(row.ratio),
          );
          expect(await tr.locator("td[data-fig=failures]").textContent()).toBe(String(row.failures));
          expect(await tr.locator("td[data-fig=mtbf]").textContent()).toBe(
            formatDuration(row.mtbfMs ?? null, setup.lang),
          );
          expect(await tr.locator("td[data-fig=mttr]").textContent()).toBe(
            formatDuration(row.mttrMs ?? null, setup.lang),
          );
        }
        for (const [group, figures] of [
          ["kind", api.byKind],
          ["hall", api.byHall],
        ] as const) {
          for (const [key, fig] of Object.entries(figures)) {
            const tr = page.locator(`[data-testid=by-${group}] tr[data-${group}="${key}"]`);
            expect(await tr.locator("td[data-fig=availability]").textContent(), `${where} ${key}`).toBe(
              formatRatio(fig.ratio),
            );
            expect(await tr.locator("td[data-fig=mtbf]").textContent()).toBe(
              formatDuration(fig.mtbfMs ?? null, setup.lang),
            );
            expect(await tr.locator("td[data-fig=mttr]").textContent()).toBe(
              formatDuration(fig.mttrMs ?? null, setup.lang),
            );
          }
        }
        expect(await noOverflow(page), where).toBe(true);
        if (range === "7d") {
          await stack.shot(page, `uptime-bars-${setup.name}`);
          expect(await seriousViolations(page, "[data-testid=uptime]"), where).toEqual([]);
        }
      }
      if (setup.name === "desktop-en") {
        await page.click('[data-testid=uptime] button[data-range="30d"]');
        await page.locator('[data-testid=uptime][data-range="30d"][data-loaded=true]').waitFor();
        await stack.shot(page, "uptime-bars");
      }
      // Sorting the table by availability puts the worst first, and says so.
      const header = page.locator("[data-testid=uptime-table] th[data-sort=availability]");
      await header.locator("button").click();
      await expect(header.getAttribute("aria-sort")).resolves.toBe("ascending");
      const ratios = await page
        .locator("[data-testid=uptime-table] td[data-fig=availability]")
        .evaluateAll((cells) => cells.map((c) => c.getAttribute("data-value")));
      const numbers = ratios.map((r) => (r === "null" ? 2 : Number(r)));
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
      await expect(
        page.locator(`[data-testid=uptime] a[href="#/hall/${HALL}"]`).count(),
      ).resolves.toBeGreaterThan(0);
      await page.close();
    }
    stack.simulator.clear(HALL, "kiosk-1", "paper_jam");
  }, 240_000);

  it("draws a charger's temperature and an extinguisher's pressure against its green zone on the device page", async () => {
    await waitFor(
      async () =>
        (
          await stack.api<{ points: unknown[] }>(
            "maint",
            "GET",
            `/api/devices/${HALL}/ext-1/series?field=pressureMpa`,
          )
        ).body.points.length > 0,
      "ext-1's pressure recorded",
      20_000,
    );
    for (const setup of SETUPS) {
      const page = await stack.signIn("maint", {
        lang: setup.lang,
        viewport: setup.viewport,
        hash: `#/device/${HALL}/charger-1`,
      });
      const temp = page.locator("[data-testid=chart-enclosureTempC]");
      await temp.locator("canvas").waitFor({ timeout: 15_000 });
      expect(Number(await temp.getAttribute("data-points"))).toBeGreaterThan(0);
      const summary = await temp.locator(".chart-summary").textContent();
      expect(summary).toMatch(setup.lang === "zh" ? /最低.*最高.*最新/ : /Min.*Max.*Latest/);
      expect(summary).toContain("°C");
      expect(await page.locator("[data-testid=device-values]").textContent()).toMatch(/°C/);
      expect(await noOverflow(page), setup.name).toBe(true);
      await stack.shot(page, `device-charger-${setup.name}`);
      expect(await seriousViolations(page, "[data-testid=device]"), setup.name).toEqual([]);

      await page.goto(`${stack.at.httpUrl}/#/device/${HALL}/ext-1`);
      const pressure = page.locator("[data-testid=chart-pressureMpa]");
      await pressure.locator("canvas").waitFor({ timeout: 15_000 });
      expect(Number(await pressure.getAttribute("data-points"))).toBeGreaterThan(0);
      expect(await pressure.getAttribute("data-green-zone")).toMatch(/^\d+(\.\d+)?-\d+(\.\d+)?$/);
      expect(await pressure.locator(".chart-summary").textContent()).toContain("MPa");
      // The canvas holds a drawing, not a blank.
      const painted = await pressure
        .locator("canvas")
        .first()
        .evaluate((c) => {
          const canvas = c as unknown as {
            width: number;
            height: number;
            getContext(kind: "2d"): {
              getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
            } | null;
          };
          const data = canvas.getContext("2d")?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
          let n = 0;
          for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) n++;
          return n;
        });
      expect(painted).toBeGreaterThan(100);
      expect(await noOverflow(page), setup.name).toBe(true);
      await stack.shot(page, `device-extinguisher-${setup.name}`);
      expect(await seriousViolations(page, "[data-testid=device]"), setup.name).toEqual([]);
      await page.close();
    }
  }, 180_000);
});
