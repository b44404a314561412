import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM } from "../helpers/chromium.js";
import { requireInCi } from "../helpers/external-servers.js";
import { waitFor } from "../helpers/wait.js";
import { ConsoleStack, SMALL_PHONE } from "./console-stack.js";

const available = requireInCi(CHROMIUM, "chromium");

describe.skipIf(!available)("silences in the console", () => {
  const stack = new ConsoleStack();
  beforeAll(async () => {
    await stack.start();
  }, 60_000);
  afterAll(async () => {
    await stack.stop();
  });

  it("a duty manager creates and lifts a silence on a phone; floor staff have no link and no form", async () => {
    const page = await stack.signIn("duty", { lang: "zh", viewport: SMALL_PHONE });
    await page.locator("header button[aria-controls=main-nav]").click();
    await page.getByRole("link", { name: "静默" }).click();
    const form = page.locator("[data-testid=silence-form]");
    await form.waitFor();
    await expect(page.locator("[data-testid=silences-active]").textContent()).resolves.toContain("暂无静默");

    // Nothing chosen but the hall is a matcher already (a one-hall duty manager); narrow it to the gateway.
    await form.getByLabel("故障类型").selectOption("gateway_down");
    await form.getByLabel("持续时间").selectOption("4");
    await form.getByLabel("原因").fill("运营商更换光纤");
    await form.getByRole("button", { name: "新建静默" }).click();
    const silence = page.locator("[data-testid=silences-active] [data-testid=silence]");
    await silence.waitFor();
    const shown = (await silence.textContent()) ?? "";
    expect(shown).toContain("运营商更换光纤");
    expect(shown).toContain("网关离线"); // the fault in words, never the code
    expect(shown).not.toContain("gateway_down");
    expect(shown).not.toContain("demo-hall"); // the hall by its name
    const created = await stack.api<{
      items: { id: string; endsMs: number; startsMs: number; createdBy: string }[];
    }>("duty", "GET", "/api/silences");
    expect(created.body.items).toHaveLength(1);
    const [one] = created.body.items;
    expect(one?.createdBy).toBe("duty");
    expect((one?.endsMs ?? 0) - (one?.startsMs ?? 0)).toBe(4 * 3_600_000);
    expect(
      await page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"),
    ).toBe(true);
    await stack.shot(page, "silences-phone-zh");

    await silence.getByRole("button", { name: "提前解除" }).click();
    await page.locator("dialog.confirm").getByRole("button", { name: "提前解除" }).click();
    await page.locator("[data-testid=silences-recent] [data-testid=silence]").waitFor();
    await expect(page.locator("[data-testid=silences-active]").textContent()).resolves.toContain("暂无静默");
    await expect(page.locator("[data-testid=silences-recent]").textContent()).resolves.toContain(
      "提前解除: duty",
    );
    await waitFor(
      async () =>
        (await stack.api<{ items: { active: boolean }[] }>("duty", "GET", "/api/silences")).body.items[0]
          ?.active === false,
      "lifted on the server",
    );
    await stack.shot(page, "silences-phone-zh-lifted");

    // "Silence similar" from an alert's drawer opens the form with its hall, fault and device filled in.
    await page.goto(`${stack.at.httpUrl}/#/silences?hallId=demo-hall&faultType=paper_out&deviceId=kiosk-1`);
    const similar = page.locator("[data-testid=silence-form]");
    await similar.waitFor();
    await expect(similar.getByLabel("故障类型").inputValue()).resolves.toBe("paper_out");
    await expect(similar.getByLabel("设备编号").inputValue()).resolves.toBe("kiosk-1");

    const floor = await stack.signIn("floor", { lang: "en", viewport: SMALL_PHONE, hash: "#/silences" });
    await floor.locator("[data-testid=silences-recent]").waitFor();
    await expect(floor.locator("[data-testid=silence-form]").count()).resolves.toBe(0);
    await expect(floor.locator("#main-nav a[href='#/silences']").count()).resolves.toBe(0);
  }, 120_000);
});
