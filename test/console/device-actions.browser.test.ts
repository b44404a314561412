import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM } from "../helpers/chromium.js";
import { requireInCi } from "../helpers/external-servers.js";
import { ConsoleStack, SMALL_PHONE } from "./console-stack.js";
import { signInPage } from "./page-checks.js";

const available = requireInCi(CHROMIUM, "chromium");
const KIOSK = "#/device/demo-hall/kiosk-1";

const noOverflow = (page: Page) =>
  page.evaluate(
    "document.documentElement.scrollWidth <= document.documentElement.clientWidth",
  ) as Promise<boolean>;

/** Remote actions on the device page, on a 360 px phone, as maintenance and as floor staff. */
describe.skipIf(!available)("device page: remote actions in the console", () => {
  const stack = new ConsoleStack();
  beforeAll(() => stack.start(), 60_000);
  afterAll(() => stack.stop());

  it("maintenance on a phone restarts the demo kiosk's app after confirming and sees the agent's reply", async () => {
    const page = await stack.signIn("maint", { lang: "en", viewport: SMALL_PHONE, hash: KIOSK });
    const section = page.locator("[data-testid=device-actions]");
    await section.waitFor({ timeout: 15_000 });
    await expect(section.locator(".action-buttons button").allTextContents()).resolves.toEqual([
      "Identify",
      "Screenshot",
      "Restart app",
      "Reboot host",
    ]);
    await section.getByRole("button", { name: "Restart app" }).click();
    const dialog = page.locator("dialog.confirm[open]");
    await expect(dialog.textContent()).resolves.toContain("Restart this device's application?");
    await stack.shot(page, "device-actions-confirm-en-360");
    await dialog.getByRole("button", { name: "Restart the app" }).click();
    const outcome = section.locator("[data-testid=action-outcome]");
    await expect
      .poll(() => outcome.textContent(), { timeout: 15_000 })
      .toBe("Done by the agent: Restart app");
    await expect
      .poll(() => section.locator("[data-testid=action-log] li").first().textContent(), { timeout: 10_000 })
      .toMatch(/Restart app · maint · succeeded$/);
    await section.getByRole("button", { name: "Screenshot" }).click();
    const image = section.locator("[data-testid=action-screenshot]");
    await image.waitFor({ timeout: 15_000 });
    await expect(
      image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
    ).resolves.toBe(160);
    expect(await noOverflow(page)).toBe(true);
    await stack.shot(page, "device-actions-maint-en-360");
    const audit = await stack.api<{ items: { actor: string; action: string; before: { action: string } }[] }>(
      "admin",
      "GET",
      "/api/audit?limit=20",
    );
    expect(audit.body.items).toContainEqual(
      expect.objectContaining({
        actor: "maint",
        action: "device_action",
        before: expect.objectContaining({ action: "restart_app" }),
      }),
    );
    await page.close();
  });

  it("floor staff see only Identify, in Chinese, and identifying works", async () => {
    const page = await stack.signIn("floor", { lang: "zh", viewport: SMALL_PHONE, hash: KIOSK });
    const section = page.locator("[data-testid=device-actions]");
    await section.waitFor({ timeout: 15_000 });
    await expect(section.locator("button").allTextContents()).resolves.toEqual(["识别提示"]);
    await expect(section.locator("form").count()).resolves.toBe(0);
    await section.getByRole("button", { name: "识别提示" }).click();
    await expect
      .poll(() => section.locator("[data-testid=action-outcome]").textContent(), { timeout: 15_000 })
      .toBe("代理程序已执行：识别提示");
    expect(await noOverflow(page)).toBe(true);
    await stack.shot(page, "device-actions-floor-zh-360");
    await page.close();
  });

  it("the guard (security) sees no actions at all", async () => {
    const page = await stack.signIn("guard", { lang: "zh", viewport: SMALL_PHONE, hash: KIOSK });
    await page.locator("[data-testid=device]").waitFor({ timeout: 15_000 });
    await page.waitForTimeout(500);
    await expect(page.locator("[data-testid=device-actions]").count()).resolves.toBe(0);
    await page.close();
  });

  it("the Actions section has no serious accessibility findings (maintenance, zh, with a reply shown)", async () => {
    const page = await signInPage(stack, "maint", { lang: "zh", viewport: SMALL_PHONE, hash: KIOSK });
    const section = page.locator("[data-testid=device-actions]");
    await section.waitFor({ timeout: 15_000 });
    await section.getByRole("button", { name: "截屏" }).click();
    await section.locator("[data-testid=action-screenshot]").waitFor({ timeout: 15_000 });
    const result = await new AxeBuilder({ page }).include("[data-testid=device-actions]").analyze();
    const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
    await stack.shot(page, "device-actions-maint-zh-360");
    await page.context().close();
  });
});
