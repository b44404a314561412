import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import { DateTime } from "luxon";
import { type Browser, devices } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, launchChromium } from "../helpers/chromium.js";
import { requireInCi } from "../helpers/external-servers.js";
import { waitFor } from "../helpers/wait.js";
import { DemoServer, TINY_PNG_BASE64 } from "./demo-server.js";

const available = requireInCi(CHROMIUM, "chromium");
const ARTIFACTS = join(process.cwd(), "test-artifacts");
const HALL = "demo-hall";
const PHONE_HOST = "hall-pc.test";
const hallToday = () => DateTime.now().setZone("Asia/Shanghai").toISODate() as string;

describe.skipIf(!available)("a guard confirms an extinguisher on a phone, in a real browser", () => {
  const demo = new DemoServer();
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await demo.start();
    // The phone reaches the hall's server by a name (HALLWATCH_PUBLIC_URL is unset; labels use that name).
    browser = await launchChromium([`--host-resolver-rules=MAP ${PHONE_HOST} 127.0.0.1`]);
  });

  afterAll(async () => {
    await browser?.close();
    await demo.stop();
  });

  it("opens the QR link, signs in, sees the low pressure flagged, fails that item with a photo; the report and an alert show it", async () => {
    // The sensor on E-03 reads low pressure before the guard arrives.
    demo.simulator.inject(HALL, "ext-3", "low_pressure");
    await waitFor(
      async () => {
        const view = await demo.json("guard", "GET", `/api/halls/${HALL}/fire-assets/E-03`);
        return view.body.sensor?.readings.some((r: any) => r.item === "pressure_green" && r.flagged) === true;
        // Generous: the simulator publishes on its own schedule, slower on a loaded machine.
      },
      "E-03's sensor reads low pressure",
      30_000,
    );

    const port = new URL(demo.at.httpUrl).port;
    const labels = await demo.getWithHost(
      "guard",
      `/api/halls/${HALL}/fire-asset-labels`,
      `${PHONE_HOST}:${port}`,
    );
    const qrUrl = labels.body.match(/http:\/\/[^<"]*#\/inspect\/demo-hall\/E-03/)?.[0];
    expect(qrUrl).toBe(`http://${PHONE_HOST}:${port}/#/inspect/demo-hall/E-03`);

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
    // "All pass" leaves the item the sensor flags to be answered on its own.
    await expect(pressure.locator("input[value=pass]").isChecked()).resolves.toBe(false);
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

    // Afterwards the record is on the asset's page; its detail shows the failed item and the photo itself.
    const records = (await demo.json("guard", "GET", `/api/halls/${HALL}/inspections?assetId=E-03`)).body
      .items;
    const mine = records.find((r: any) => r.inspector === "guard" && r.photoId);
    expect(mine).toBeDefined();
    const record = page.locator(`[data-testid=record-${mine.id}]`);
    await record.waitFor();
    await record.getByRole("button", { name: "查看详情" }).click();
    const detail = record.locator("[data-testid=record-detail]");
    await expect.poll(() => detail.textContent()).toContain("压力在绿区: 不合格");
    const photo = detail.locator("img[data-testid=record-photo]");
    await photo.waitFor();
    // The image really loaded (the photo endpoint answered with the bytes the guard sent, under the console's CSP).
    await expect.poll(() => photo.evaluate((img: any) => img.complete && img.naturalWidth > 0)).toBe(true);
    await expect(photo.getAttribute("alt")).resolves.toContain("E-03");
    await record.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, "inspection-record-photo.png"), fullPage: true });
    const axe = await new AxeBuilder({ page }).include("main").analyze();
    expect(
      axe.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
    ).toEqual([]);
    // No raw asset type code on the page: "dry_powder" is shown in words.
    await expect(page.locator("[data-testid=inspect-page]").textContent()).resolves.not.toMatch(
      /dry_powder|_/,
    );

    // The record is in the compliance report, by the guard, with the failed item and its corrective action.
    const today = hallToday();
    const report = await demo.json(
      "duty",
      "GET",
      `/api/halls/${HALL}/inspection-compliance?from=${today}&to=${today}`,
    );
    const row = report.body.rows.find((r: any) => r.assetId === "E-03");
    expect(row).toMatchObject({
      // The demo's assets owe this period's inspection from its start: done by the end of its due day, else late.
      status: expect.stringMatching(/^(done|late)$/),
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
      // The phone signed in at the labels' address, so its session cookie belongs to that host.
      `${new URL(qrUrl as string).origin}/api/halls/${HALL}/inspection-compliance?from=${today}&to=${today}&format=html`,
    );
    const printed = reportPage.locator("tr", { hasText: "E-03" }).filter({ hasText: "guard" });
    await expect(printed.count()).resolves.toBeGreaterThanOrEqual(1);
    await expect(printed.first().textContent()).resolves.toContain("不合格");
    await reportPage.screenshot({ path: join(ARTIFACTS, "inspection-report.png"), fullPage: true });
    await context.close();
  }, 90_000);

  it("maintenance closes the corrective action and imports the asset register in the console", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
    const page = await context.newPage();
    await page.goto(`${demo.at.httpUrl}/#/fire`);
    await page.fill("input[name=username]", "maint");
    await page.fill("input[name=password]", "demo-maint");
    await page.click("button[type=submit]");
    const action = page.locator("form.action", { hasText: "E-03" });
    await action.waitFor();
    await action.locator("input").fill("换新灭火器");
    await action.getByRole("button", { name: "关闭整改" }).click();
    await expect
      .poll(() => page.locator("form.action", { hasText: "E-03" }).count(), { timeout: 10_000 })
      .toBe(0);
    await waitFor(async () => {
      const alerts = await demo.json("duty", "GET", `/api/alerts?hallId=${HALL}&status=active&limit=500`);
      return !alerts.body.items.some(
        (a: any) => a.faultType === "inspection_failed" && a.affected.includes("E-03"),
      );
    }, "the failure alert resolves once the action is closed");

    const header = "id,location,type,size,manufactureDate,pressureMinMpa,pressureMaxMpa";
    const csvFile = join(tmpdir(), `hallwatch-assets-${process.pid}.csv`);
    writeFileSync(
      csvFile,
      `${header}\nE-30,Back door,foam,6 L,2025-02-01,1.0,1.4\nE-31,Back door,foam,6 L,2025-02-30,1.0,1.4\n`,
    );
    await page.setInputFiles("input[name=assets-csv]", csvFile);
    await page.getByRole("button", { name: "导入", exact: true }).click();
    await expect
      .poll(() => page.locator("form.import pre").textContent())
      .toContain("line 3: manufactureDate");
    writeFileSync(csvFile, `${header}\nE-30,Back door,foam,6 L,2025-02-01,1.0,1.4\n`);
    await page.setInputFiles("input[name=assets-csv]", csvFile);
    await page.getByRole("button", { name: "导入", exact: true }).click();
    await page.locator("a", { hasText: "E-30" }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, "fire-assets-maintenance.png"), fullPage: true });
    // Asset types in words, never the register's codes.
    await expect(page.locator("tr", { hasText: "E-30" }).textContent()).resolves.toContain("泡沫灭火器");
    await expect(page.locator(".fire-assets table").first().textContent()).resolves.not.toMatch(
      /dry_powder|foam/,
    );

    // Retiring asks first: cancel keeps the asset, confirm retires it.
    const retire = () =>
      page.locator("tr", { hasText: "E-30" }).getByRole("button", { name: "报废" }).click();
    await retire();
    await page.locator("dialog.confirm").getByRole("button", { name: "取消" }).click();
    const listed = async () =>
      (await demo.json("maint", "GET", `/api/halls/${HALL}/fire-assets`)).body.items.some(
        (a: any) => a.id === "E-30",
      );
    expect(await listed()).toBe(true);
    await retire();
    await expect(page.locator("dialog.confirm").textContent()).resolves.toContain("E-30");
    await page.locator("dialog.confirm").getByRole("button", { name: "报废" }).click();
    await expect.poll(listed).toBe(false);
    await expect.poll(() => page.locator("a", { hasText: "E-30" }).count()).toBe(0);
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

  it("defect 10: all pass skips the item the sensor flags; it is answered one by one and the pass is confirmed against the sensor", async () => {
    demo.simulator.inject(HALL, "ext-4", "removed");
    await waitFor(async () => {
      const view = await demo.json("guard", "GET", `/api/halls/${HALL}/fire-assets/E-04`);
      return view.body.sensor?.readings.some((r: any) => r.item === "located" && r.flagged) === true;
    }, "E-04's sensor says it is not on its bracket");
    const context = await browser.newContext({ ...devices["Pixel 7"], locale: "zh-CN" });
    const page = await context.newPage();
    await page.goto(`${demo.at.httpUrl}/#/inspect/${HALL}/E-04`);
    await page.fill("input[name=username]", "guard");
    await page.fill("input[name=password]", "demo-guard");
    await page.click("button[type=submit]");
    const located = page.locator("[data-testid=check-located]");
    await located.waitFor();
    await expect(located.getAttribute("class")).resolves.toContain("flagged");
    await expect(located.textContent()).resolves.toContain("不在挂架上");

    await page.getByRole("button", { name: "全部合格" }).click();
    await expect(located.locator("input[value=pass]").isChecked()).resolves.toBe(false);
    await expect(page.locator("[data-testid=check-visible] input[value=pass]").isChecked()).resolves.toBe(
      true,
    );
    const message = page.locator("[data-testid=inspect-message]");
    await expect(message.textContent()).resolves.toContain("逐项判断");
    await page.click("button.primary");
    await expect(message.textContent()).resolves.toBe("请为每一项选择合格或不合格");
    expect(
      (await demo.json("floor", "GET", `/api/halls/${HALL}/inspections?assetId=E-04`)).body.items,
    ).toEqual([]);

    // The guard looks: the extinguisher is there, the sensor is wrong. Passing the item on its own confirms that.
    await located.locator("input[value=pass]").check();
    await page.click("button.primary");
    await expect.poll(() => message.textContent(), { timeout: 10_000 }).toBe("巡检记录已保存");
    const records = (await demo.json("floor", "GET", `/api/halls/${HALL}/inspections?assetId=E-04`)).body
      .items;
    expect(records).toHaveLength(1);
    expect(records[0].sensor.find((r: any) => r.item === "located")).toMatchObject({
      flagged: true,
      confirmedPass: true,
    });
    await page.screenshot({ path: join(ARTIFACTS, "inspection-sensor-flag.png"), fullPage: true });
    demo.simulator.clear(HALL, "ext-4", "removed");
    await context.close();
  });

  it("defect 1: a newly registered asset shows its status on the phone and in the list, never a deadline already past as 'not yet due'", async () => {
    const put = await demo.json("maint", "PUT", `/api/halls/${HALL}/fire-assets/E-78`, {
      location: "Side door",
      type: "dry_powder",
      size: "4 kg",
      manufactureDate: "2025-03-01",
      pressureMinMpa: 1.0,
      pressureMaxMpa: 1.4,
    });
    expect(put.status).toBe(200);
    const view = (await demo.json("guard", "GET", `/api/halls/${HALL}/fire-assets/E-78`)).body;
    for (const lang of ["zh", "en"] as const) {
      const context = await browser.newContext({ ...devices["Pixel 7"] });
      // The console's language is the person's choice (the language toggle keeps it in localStorage).
      await context.addInitScript(`localStorage.setItem("hallwatch.lang", "${lang}")`);
      const page = await context.newPage();
      await page.goto(`${demo.at.httpUrl}/#/inspect/${HALL}/E-78`);
      await page.fill("input[name=username]", "guard");
      await page.fill("input[name=password]", "demo-guard");
      await page.click("button[type=submit]");
      const status = page.locator("[data-testid=period-status]");
      await status.waitFor();
      const text = (await status.textContent()) ?? "";
      const day = DateTime.fromISO(view.period.notDueUntil ?? view.period.dueDay);
      if (view.period.status === "not_due") {
        // e.g. "Not due until Mon 7 Dec" / "未到期，12月7日周一起应检"
        if (lang === "en")
          expect(text).toContain(`Not due until ${day.setLocale("en-GB").toFormat("ccc d LLL")}`);
        else expect(text).toContain(`未到期，${day.month}月${day.day}日`);
      } else {
        expect(view.period.status).toMatch(/^(pending|overdue)$/);
        if (lang === "en")
          expect(text).toContain(`due by the end of ${day.setLocale("en-GB").toFormat("ccc d LLL")}`);
        else expect(text).toContain(`${day.month}月${day.day}日`);
        expect(text).not.toContain("未到期");
      }
      await context.close();
    }
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-GB" });
    const page = await context.newPage();
    await page.goto(`${demo.at.httpUrl}/#/fire`);
    await page.fill("input[name=username]", "duty");
    await page.fill("input[name=password]", "demo-duty");
    await page.click("button[type=submit]");
    const cell = page.locator("[data-testid=status-E-78]");
    await cell.waitFor();
    await expect(cell.textContent()).resolves.not.toBe("—");
    // The report's default range ends today in the hall's zone (not in UTC, a day behind Shanghai after 16:00 UTC).
    const to = page.locator(`[data-testid=fire-${HALL}] input[type=date]`).nth(1);
    await expect(to.inputValue()).resolves.toBe(hallToday());
    await context.close();
  });
});
