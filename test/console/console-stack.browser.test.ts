import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM } from "../helpers/chromium.js";
import { requireInCi } from "../helpers/external-servers.js";
import { ConsoleStack, PHONE, ROLE_USERS, type RoleUser } from "./console-stack.js";

const available = requireInCi(CHROMIUM, "chromium");

describe.skipIf(!available)("the console test stack", () => {
  const stack = new ConsoleStack();
  beforeAll(() => stack.start());
  afterAll(() => stack.stop());

  it("signs each role in, in either language, and shows the shell in that language", async () => {
    for (const role of Object.keys(ROLE_USERS) as RoleUser[]) {
      const page = await stack.signIn(role, { lang: role === "duty" ? "en" : "zh", viewport: PHONE });
      await expect(page.locator("html").getAttribute("lang")).resolves.toBe(role === "duty" ? "en" : "zh-CN");
      await expect(page.locator("header .who").textContent()).resolves.toBeTruthy();
      await page.close();
    }
    const me = await stack.api<{ user: { username: string } }>("maint", "GET", "/api/auth/me");
    expect(me.body.user.username).toBe("maint");
  });
});
