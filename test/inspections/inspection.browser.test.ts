import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium, devices } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBinary, requireInCi } from "../helpers/external-servers.js";
import { waitFor } from "../helpers/wait.js";
import { DemoServer, TINY_PNG_BASE64 } from "./demo-server.js";

const CHROMIUM = findBinary(["/usr/bin/chromium", "/usr/bin/chromium-browser"]);
const available = requireInCi(CHROMIUM, "chromium");
const ARTIFACTS = join(process.cwd(), "test-artifacts");
const HALL = "demo-hall";

describe.skipIf(!available)("a guard confirms an extinguisher on a phone, in a real browser", () => {
  const demo = new DemoServer();
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await demo.start();
    browser = await chromium.launch({
      executablePath: CHROMIUM as string,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await demo.stop();
  });

  it("opens the QR link, signs in, sees the low pressure flagged, fails that item with a photo; the report and an alert show it", async () => {
    // The sensor on E-03 reads low pressure before the guard arrives.
    demo.simulator.inject(HALL, "ext-3", "low_pressure");
    await waitFor(async () => {
      const view = await demo.json("guard", "GET", `/api/halls/${HALL}/fire-assets/E-03`);
      return view.body.sensor?.readings.some((r: any) => r.item === "pressure_green" && r.flagged) === true;
    }, "E-03's sensor reads low pressure");

    const labels = await (await demo.call("guard", "GET", `/api/halls/${HALL}/fire-asset-labels`)).text();
    const qrUrl = labels.match(/http:\/\/[^<"]*#\/inspect\/demo-hall\/E-03/)?.[0];
    expect(qrUrl).toBeDefined();

    const context = await browser.newContext({ ...devices["Pixel 7"], locale: "zh-CN" });
    const page = await context.newPage();
    await page.goto(qrUrl as string);
    await page.fill("input[name=username]", "guard");
    await page.fill("input[name=password]", "demo-guard");
    await page.click("button[type=submit]");
    const inspect = page.locator("[data-testid=inspect-page]");
    await inspect.waitFor();
    await expect(inspect.locator("h1").textContent()).resolves.toContain("E-03");
    const pressure = page.locator("[data-testid=check-pressure_green]");
    await expect(pressure.getAttribute("class")).resolves.toContain("flagged");
    await expect(pressure.locator("p.bad").textContent()).resolves.toContain("低于绿区");
    await page.screenshot({ path: join(ARTIFACTS, "inspection-phone-before.png"), fullPage: true });

    // Submitting with items unanswered is refused in the page.
    await page.click("button.primary");
    await expect(page.locator("[data-testid=inspect-message]").textContent()).resolves.toBe(
      "请为每一项选择合格或不合格",
    );

    await page.getByRole("button", { name: "全部合格" }).click();
    await pressure.locator("input[value=fail]").check();
    await page.fill("textarea[name=note]", "压力表指针在红区，已通知维修");
    const photoFile = join(tmpdir(), `hallwatch-photo-${process.pid}.png`);
    writeFileSync(photoFile, Buffer.from(TINY_PNG_BASE64, "base64"));
    await page.setInputFiles("input[name=photo]", photoFile);
    await page.click("button.primary");
    const message = page.locator("[data-testid=inspect-message]");
    await expect
      .poll(() => message.textContent(), { timeout: 10_000 })
      .toBe("巡检记录已保存. 不合格项已生成告警和整改任务");
    await page.screenshot({ path: join(ARTIFACTS, "inspection-phone-submitted.png"), fullPage: true });

    // The record is in the compliance report, by the guard, with the failed item and its corrective action.
    const today = new Date().toISOString().slice(0, 10);
    const report = await demo.json(
      "duty",
      "GET",
      `/api/halls/${HALL}/inspection-compliance?from=${today}&to=${today}`,
    );
    const row = report.body.rows.find((r: any) => r.assetId === "E-03");
    expect(row).toMatchObject({
      status: "done",
      record: {
        inspector: "guard",
        passed: false,
        failedItems: ["pressure_green"],
        note: "压力表指针在红区，已通知维修",
      },
    });
    expect(row.record.photoId).not.toBeNull();
    expect(row.record.sensor.find((r: any) => r.item === "pressure_green").flagged).toBe(true);
    expect(row.actions).toMatchObject([{ item: "pressure_green", closed: null }]);

    // …and a fault alert is open for it.
    const alerts = await demo.json("duty", "GET", `/api/alerts?hallId=${HALL}&status=active&limit=500`);
    expect(
      alerts.body.items.find((a: any) => a.faultType === "inspection_failed" && a.affected.includes("E-03")),
    ).toBeDefined();

    // The printable report shows the row in the browser too.
    const reportPage = await context.newPage();
    await reportPage.goto(
      `${demo.at.httpUrl}/api/halls/${HALL}/inspection-compliance?from=${today}&to=${today}&format=html`,
    );
    const printed = reportPage.locator("tr", { hasText: "E-03" }).filter({ hasText: "guard" });
    await expect(printed.count()).resolves.toBeGreaterThanOrEqual(1);
    await expect(printed.first().textContent()).resolves.toContain("不合格");
    await reportPage.screenshot({ path: join(ARTIFACTS, "inspection-report.png"), fullPage: true });
    await context.close();
  });

  it("floor staff can read the page but not submit", async () => {
    const context = await browser.newContext({ ...devices["Pixel 7"], locale: "zh-CN" });
    const page = await context.newPage();
    await page.goto(`${demo.at.httpUrl}/#/inspect/${HALL}/E-05`);
    await page.fill("input[name=username]", "floor");
    await page.fill("input[name=password]", "demo-floor");
    await page.click("button[type=submit]");
    await page.locator("[data-testid=inspect-page]").waitFor();
    await expect(page.locator("button.primary").isDisabled()).resolves.toBe(true);
    await expect(page.locator("text=你的角色只能查看").count()).resolves.toBe(1);
    await context.close();
  });
});
