import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM } from "../helpers/chromium.js";
import { requireInCi } from "../helpers/external-servers.js";
import { ConsoleStack, SMALL_PHONE } from "./console-stack.js";
import { overflowProblems, tapTargetProblems } from "./page-checks.js";

const available = requireInCi(CHROMIUM, "chromium");
const HASH = "#/roster/demo-hall";
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Axe's serious and critical findings in the page's main part (injected: the stack's pages have no context of their own). */
async function axeProblems(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(
    'axe.run("main", { resultTypes: ["violations"] }).then((r) => r.violations)',
  )) as { id: string; impact: string | null; nodes: { target: string[] }[] }[];
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

interface Roster {
  id: string;
  shifts: { role: string; start: string; end: string; usernames: string[] }[];
  overrides: { role: string; date?: string; usernames: string[] }[];
}

describe.skipIf(!available)("the duty roster page on a phone", { timeout: 240_000 }, () => {
  const stack = new ConsoleStack();
  beforeAll(() => stack.start(), 60_000);
  afterAll(() => stack.stop());
  const demoRoster = async () =>
    (await stack.api<{ items: Roster[] }>("duty", "GET", "/api/rosters?hallId=demo-hall")).body
      .items[0] as Roster;

  it("the duty manager sees who is on duty now by name, edits a shift and adds an override", async () => {
    for (const lang of ["zh", "en"] as const) {
      const page = await stack.signIn("duty", { lang, viewport: SMALL_PHONE, hash: HASH });
      const now = page.locator("section.on-duty");
      await now.waitFor();
      // Display names, not usernames, per role.
      await expect.poll(() => now.textContent()).toContain("值班经理 Duty manager");
      expect(await now.textContent()).toContain("维护 Maintenance");
      expect(await now.textContent()).toContain("保安 Security");
      expect(await now.textContent()).toContain(lang === "zh" ? "值班经理" : "Duty manager");
      expect(await page.locator("table.roster-week").count()).toBe(1);
      expect(await overflowProblems(page)).toEqual([]);
      expect(await tapTargetProblems(page)).toEqual([]);
      expect(await axeProblems(page)).toEqual([]);
      await stack.shot(page, `roster-duty-phone-${lang}`);
      await page.screenshot({
        path: `test-artifacts/roster-duty-phone-${lang}-top.png`,
        clip: { x: 0, y: 0, width: 360, height: 900 },
      });
      if (lang === "en") {
        // Edit the duty manager's day shift to end at 18:00.
        const row = page
          .locator("tr", { hasText: "08:00–20:00" })
          .filter({ hasText: "Duty manager" })
          .first();
        await row.getByRole("button", { name: "Edit" }).click();
        const form = page.locator("form.shift-form");
        await form.getByLabel("End").fill("18:00");
        await form.getByRole("button", { name: "Save" }).click();
        await expect
          .poll(async () =>
            (await demoRoster()).shifts
              .filter((s) => s.role === "duty_manager")
              .map((s) => `${s.start}-${s.end}`),
          )
          .toContain("08:00-18:00");
        await page.locator("tr", { hasText: "08:00–18:00" }).first().waitFor();
        // A second duty-manager shift overlapping the night one is refused, in words.
        await page.getByRole("button", { name: "Add shift" }).click();
        const added = page.locator("form.shift-form");
        await added.getByLabel("Start").fill("19:00");
        await added.getByLabel("End").fill("23:00");
        await added.getByLabel("值班经理 Duty manager").check();
        await added.getByRole("button", { name: "Save" }).click();
        await page.getByText("overlaps another shift of the same role").waitFor();
        expect(await page.locator("main").textContent()).not.toContain("/shifts/");
        await added.getByRole("button", { name: "Cancel" }).click();
        // A day's override for security.
        const override = page.locator("form.override-form");
        await override.getByLabel("Date").fill("2026-12-24");
        await override.getByLabel("Role").selectOption("security");
        await override.getByLabel("维护 Maintenance").check();
        await override.getByRole("button", { name: "Add override" }).click();
        await expect
          .poll(async () => (await demoRoster()).overrides.map((o) => `${o.date} ${o.role} ${o.usernames}`))
          .toEqual(["2026-12-24 security maint"]);
        await page.locator("ul.roster-overrides li", { hasText: "2026-12-24" }).waitFor();
        // The calendar feed address is there to copy.
        expect(await page.getByLabel("Calendar address").inputValue()).toMatch(
          /\/ical\/[A-Za-z0-9_-]+\.ics$/,
        );
        expect(await overflowProblems(page)).toEqual([]);
        await stack.shot(page, "roster-duty-phone-edited");
        await page
          .locator("table.roster-week")
          .screenshot({ path: "test-artifacts/roster-week-phone-en.png" });
      }
      await page.close();
    }
  });

  it("floor staff see the roster read-only: no edit buttons, no forms", async () => {
    const page = await stack.signIn("floor", { lang: "zh", viewport: SMALL_PHONE, hash: HASH });
    const now = page.locator("section.on-duty");
    await now.waitFor();
    await expect.poll(() => now.textContent()).toContain("保安 Security");
    await page.locator("table.roster-week").waitFor();
    expect(
      await page.locator("main form.shift-form, main form.override-form, main form.swap-form").count(),
    ).toBe(0);
    expect(await page.locator("table.roster-week button").count()).toBe(0);
    // Everyone still gets their own calendar address.
    expect(await page.getByLabel("日历地址").inputValue()).toMatch(/\.ics$/);
    expect(await overflowProblems(page)).toEqual([]);
    expect(await tapTargetProblems(page)).toEqual([]);
    await stack.shot(page, "roster-floor-phone-zh");
    await page.close();
  });
});
