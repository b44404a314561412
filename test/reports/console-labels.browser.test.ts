import { DateTime } from "luxon";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, launchChromium } from "../helpers/chromium.js";
import { requireInCi } from "../helpers/external-servers.js";
import { waitFor } from "../helpers/wait.js";
import { DemoServer } from "../inspections/demo-server.js";

const available = requireInCi(CHROMIUM, "chromium");
const HALL = "demo-hall";

describe("defect 28: console labels say what they show", () => {
  const demo = new DemoServer();
  let browser: Browser | undefined;

  beforeAll(async () => {
    await demo.start();
    if (available) browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await demo.stop();
  });

  it("defect 28: the weekly CSV is named after the week's first day in the hall's zone", async () => {
    const disposition = async (query: string) =>
      (await demo.call("duty", "GET", `/api/halls/${HALL}/reports/week?format=csv${query}`)).headers.get(
        "content-disposition",
      );
    // Any day of the week starting Monday 23 Nov names the file after 23 Nov.
    for (const date of ["2026-11-23", "2026-11-24", "2026-11-29"])
      expect(await disposition(`&date=${date}`), date).toContain(`"${HALL}-week-2026-11-23.csv"`);
    expect(await disposition("&date=2026-11-30")).toContain(`"${HALL}-week-2026-11-30.csv"`);
    // The default (last complete week) too, whatever day it is now.
    const lastMonday = DateTime.now()
      .setZone("Asia/Shanghai")
      .startOf("week")
      .minus({ weeks: 1 })
      .toISODate();
    expect(await disposition("")).toContain(`"${HALL}-week-${lastMonday}.csv"`);
    // Months are named after their first day as well.
    expect(
      (
        await demo.call("duty", "GET", `/api/halls/${HALL}/reports/month?format=csv&date=2026-11-24`)
      ).headers.get("content-disposition"),
    ).toContain(`"${HALL}-month-2026-11-01.csv"`);
  });

  it.skipIf(!available)(
    "defect 28: the uptime view labels its count as faults (the maintenance form moved to the hall page)",
    async () => {
      // A paper jam is a fault that leaves the kiosk available: 100 % beside one fault.
      demo.simulator.inject(HALL, "kiosk-1", "paper_jam");
      await waitFor(
        async () => {
          const uptime = await demo.json("maint", "GET", "/api/uptime");
          const row = uptime.body.items.find((r: any) => r.deviceId === "kiosk-1");
          return row?.failures === 1;
        },
        "kiosk-1's paper jam counted as a fault",
        20_000,
      );
      for (const [lang, expected] of [
        ["zh", { count: "故障次数" }],
        ["en", { count: "Faults" }],
      ] as const) {
        const context = await (browser as Browser).newContext({ viewport: { width: 1280, height: 900 } });
        await context.addInitScript(`localStorage.setItem("hallwatch.lang", "${lang}")`);
        const page = await context.newPage();
        await page.goto(`${demo.at.httpUrl}/#/uptime`);
        await page.fill("input[name=username]", "maint");
        await page.fill("input[name=password]", "demo-maint");
        await page.click("button[type=submit]");
        await page.locator("[data-testid=uptime-table] tr[data-device=kiosk-1]").waitFor({ timeout: 15_000 });
        const headers = await page.locator("[data-testid=uptime-table] thead th").allTextContents();
        expect(headers, lang).toContain(expected.count);
        const cell = page.locator("[data-testid=uptime-table] tr[data-device=kiosk-1] td[data-fig=failures]");
        expect(await cell.textContent(), lang).toBe("1");
        await context.close();
      }
      demo.simulator.clear(HALL, "kiosk-1", "paper_jam");
    },
    60_000,
  );
});
