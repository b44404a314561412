import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM } from "../helpers/chromium.js";
import { requireInCi } from "../helpers/external-servers.js";
import { ConsoleStack, PHONE, SMALL_PHONE } from "./console-stack.js";
import {
  overflowProblems,
  settle,
  signedOutPage,
  signInPage,
  tapTargetProblems,
  visitEach,
} from "./page-checks.js";
import { LANGS, ROLES } from "./pages.js";

const available = requireInCi(CHROMIUM, "chromium");

describe.skipIf(!available)("every console page on a phone", () => {
  const stack = new ConsoleStack();
  beforeAll(() => stack.start());
  afterAll(() => stack.stop());

  it("fits a 360 px screen with no sideways scrolling, as each role, in zh and en", async () => {
    const problems = await visitEach(
      stack,
      { roles: ROLES, langs: LANGS, viewport: SMALL_PHONE },
      async ({ page, target, role, lang }) => {
        if (role === "admin" || role === "guard")
          await stack.shot(page, `phone-360-${lang}-${role}-${target.hash.replace(/[#/]+/g, "-").slice(1)}`);
        return overflowProblems(page);
      },
    );
    expect(problems).toEqual([]);
  }, 900_000);

  it("fits a 390 px screen and every button, link and field is at least 44 px, as each role, in zh", async () => {
    const problems = await visitEach(
      stack,
      { roles: ROLES, langs: ["zh"], viewport: PHONE },
      async ({ page }) => [...(await overflowProblems(page)), ...(await tapTargetProblems(page))],
    );
    expect(problems).toEqual([]);
  }, 900_000);

  it("fits the sign-in page on a 360 px screen, with 44 px targets, in zh and en", async () => {
    const problems: string[] = [];
    for (const lang of LANGS) {
      const page = await signedOutPage(stack, lang, SMALL_PHONE);
      await stack.shot(page, `phone-360-${lang}-login`);
      for (const line of [...(await overflowProblems(page)), ...(await tapTargetProblems(page))])
        problems.push(`login in ${lang}: ${line}`);
      await page.context().close();
    }
    expect(problems).toEqual([]);
  });

  it("folds the navigation behind a menu button that says whether it is open", async () => {
    const page = await signInPage(stack, "admin", { viewport: SMALL_PHONE, hash: "#/board" });
    await settle(page, "board");
    const menu = page.locator("header button[aria-controls=main-nav]");
    await expect(menu.getAttribute("aria-expanded")).resolves.toBe("false");
    await expect(page.locator("#main-nav").isVisible()).resolves.toBe(false);
    await menu.click();
    await expect(menu.getAttribute("aria-expanded")).resolves.toBe("true");
    await stack.shot(page, "phone-360-menu-open");
    await page.locator("#main-nav a[href='#/devices']").click();
    await settle(page, "devices");
    // Opening a page folds the menu again.
    await expect(menu.getAttribute("aria-expanded")).resolves.toBe("false");
    await page.context().close();
  });
});
