import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM } from "../helpers/chromium.js";
import { requireInCi } from "../helpers/external-servers.js";
import { ConsoleStack, DESKTOP, PHONE } from "./console-stack.js";
import { contrastRatio } from "./contrast.js";
import { axeProblems, settle, signedOutPage, signInPage, visitEach } from "./page-checks.js";
import { CONSOLE_PAGES, LANGS, PENDING_PAGES, ROLES } from "./pages.js";

// The browser's globals, for the functions that run inside the page (the tests' tsconfig has no DOM library).
// biome-ignore-start lint/suspicious/noExplicitAny: browser globals, typed by the page not by this program
declare const document: any;
declare const window: any;
declare const location: any;
declare const getComputedStyle: any;
declare const HTMLInputElement: any;
// biome-ignore-end lint/suspicious/noExplicitAny: browser globals

const available = requireInCi(CHROMIUM, "chromium");

/** Each colour token of base.css and the background it is read on; text needs 4.5:1 (WCAG AA). */
const TEXT_ON = [
  ["--critical", "--card"],
  ["--major", "--card"],
  ["--minor", "--card"],
  ["--warning", "--card"],
  ["--operational", "--card"],
  ["--ok", "--card"],
  ["--muted", "--card"],
  ["--muted", "--bg"],
  ["--ok", "--bg"],
  ["--critical", "--bg"],
  ["--live-fg", "--live-up"],
  ["--live-fg", "--live-down"],
  ["--badge-fg", "--badge-bg"],
] as const;

describe("accessibility of every console page", () => {
  it("has colour tokens with a contrast of at least 4.5:1 for text on the background it is used on", () => {
    const css = readFileSync(join(process.cwd(), "src/console/styles/base.css"), "utf8");
    const token = (name: string) => css.match(new RegExp(`${name}:\\s*(#[0-9a-fA-F]{3,6})\\b`))?.[1];
    const low: string[] = [];
    for (const [fg, bg] of TEXT_ON) {
      const [a, b] = [token(fg), token(bg)];
      if (!a || !b) low.push(`${fg} on ${bg}: token missing from base.css`);
      else if (contrastRatio(a, b) < 4.5)
        low.push(`${fg} ${a} on ${bg} ${b}: ${contrastRatio(a, b).toFixed(2)}:1`);
    }
    expect(low).toEqual([]);
  });

  describe.skipIf(!available)("in Chromium, with axe", () => {
    const stack = new ConsoleStack();
    beforeAll(() => stack.start());
    afterAll(() => stack.stop());

    it("lists as pending only pages that do not exist yet (empty PENDING_PAGES once they land)", async () => {
      const page = await stack.signIn("admin", { viewport: DESKTOP });
      const exists: string[] = [];
      for (const name of PENDING_PAGES) {
        const target = CONSOLE_PAGES.find((p) => p.name === name);
        await page.evaluate((hash) => {
          location.hash = hash;
        }, target?.hash ?? `#/${name}`);
        await page.waitForTimeout(300);
        if ((await page.locator("main").getAttribute("data-page")) === name) exists.push(name);
      }
      await page.close();
      expect(exists).toEqual([]);
    });

    it("has no serious or critical axe violation on the sign-in page, in zh and en, on a desktop and a phone", async () => {
      const problems: string[] = [];
      for (const lang of LANGS)
        for (const viewport of [DESKTOP, PHONE]) {
          const page = await signedOutPage(stack, lang, viewport);
          problems.push(
            ...(await axeProblems(page)).map((line) => `login in ${lang} ${viewport.width}px: ${line}`),
          );
          await page.context().close();
        }
      expect(problems).toEqual([]);
      // Four pages and four axe runs: about 20 s on two loaded cores, which the default limit cut off twice.
    }, 120_000);

    it("has no serious or critical axe violation on any page, as each role, in zh and en", async () => {
      const problems = await visitEach(stack, { roles: ROLES, langs: LANGS, viewport: DESKTOP }, ({ page }) =>
        axeProblems(page),
      );
      expect(problems).toEqual([]);
    }, 900_000);

    it("shows where the keyboard is: a visible focus ring on links and buttons", async () => {
      const page = await signInPage(stack, "duty", { viewport: DESKTOP, hash: "#/board" });
      await settle(page, "board");
      const unringed: string[] = [];
      for (let i = 0; i < 8; i++) {
        await page.keyboard.press("Tab");
        const ring = await page.evaluate(() => {
          const el = document.activeElement;
          if (!el || el === document.body) return null;
          const style = getComputedStyle(el);
          const visible =
            (style.outlineStyle !== "none" && Number.parseFloat(style.outlineWidth) >= 2) ||
            style.boxShadow !== "none";
          return { name: `${el.tagName.toLowerCase()} ${el.textContent?.trim().slice(0, 20)}`, visible };
        });
        if (ring && !ring.visible) unringed.push(ring.name);
      }
      await stack.shot(page, "a11y-focus");
      await page.context().close();
      expect(unringed).toEqual([]);
    });

    it("stops animations and transitions for people who ask for reduced motion", async () => {
      const page = await stack.browser.newPage({ viewport: PHONE, reducedMotion: "reduce" });
      await page.goto(stack.at.httpUrl);
      await page.waitForSelector("form.login");
      const css = await (await page.request.get(`${stack.at.httpUrl}/assets/app.css`)).text();
      await page.close();
      expect(
        /@media\s*\(prefers-reduced-motion:\s*reduce\)/.test(css),
        "a reduced-motion rule in the CSS",
      ).toBe(true);
      const page2 = await stack.signIn("duty", { viewport: PHONE });
      await page2.emulateMedia({ reducedMotion: "reduce" });
      const moving = await page2.evaluate(
        () =>
          [...document.querySelectorAll("*")]
            .map((el) => getComputedStyle(el))
            .filter(
              (style) =>
                Number.parseFloat(style.transitionDuration) > 0.01 ||
                Number.parseFloat(style.animationDuration) > 0.01,
            ).length,
      );
      await page2.close();
      expect(moving).toBe(0);
    });
  });
});
