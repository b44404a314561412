import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { type ConsoleStack, ROLE_USERS, type RoleUser } from "./console-stack.js";
import { type ConsolePage, pagesFor } from "./pages.js";

// The browser's globals, for the functions that run inside the page (the tests' tsconfig has no DOM library).
// biome-ignore-start lint/suspicious/noExplicitAny: browser globals, typed by the page not by this program
declare const document: any;
declare const window: any;
declare const location: any;
declare const getComputedStyle: any;
declare const HTMLInputElement: any;
// biome-ignore-end lint/suspicious/noExplicitAny: browser globals

/**
 * Reusable checks over the list of console pages (pages.ts): each visits every page a role may open and returns
 * its findings as lines ("fire as guard in zh: …"), so one run lists every failing page instead of the first.
 */

export interface Visit {
  page: Page;
  target: ConsolePage;
  role: RoleUser;
  lang: "zh" | "en";
  /** "device #/device/demo-hall/kiosk-1 as duty in zh" */
  where: string;
}

/**
 * Like `stack.signIn`, but in a browser context of its own (axe needs one; close it with
 * `page.context().close()`). Opens the console in `lang` at `viewport` and waits for the shell.
 */
export async function signInPage(
  stack: ConsoleStack,
  role: RoleUser,
  options: { lang?: "zh" | "en"; viewport: { width: number; height: number }; hash?: string },
): Promise<Page> {
  const lang = options.lang ?? "zh";
  const context = await stack.browser.newContext({
    viewport: options.viewport,
    locale: lang === "zh" ? "zh-CN" : "en-GB",
  });
  const page = await context.newPage();
  await page.addInitScript(`localStorage.setItem("hallwatch.lang", ${JSON.stringify(lang)})`);
  await page.goto(`${stack.at.httpUrl}/${options.hash ?? ""}`);
  await page.fill("input[name=username]", ROLE_USERS[role].username);
  await page.fill("input[name=password]", ROLE_USERS[role].password);
  await page.click("button[type=submit]");
  await page.waitForSelector("header");
  return page;
}

/** A signed-out page (the sign-in form) in its own context. */
export async function signedOutPage(
  stack: ConsoleStack,
  lang: "zh" | "en",
  viewport: { width: number; height: number },
): Promise<Page> {
  const context = await stack.browser.newContext({ viewport });
  const page = await context.newPage();
  await page.addInitScript(`localStorage.setItem("hallwatch.lang", ${JSON.stringify(lang)})`);
  await page.goto(stack.at.httpUrl);
  await page.waitForSelector("form.login");
  return page;
}

/** Waits until the page's main area is drawn, nothing in it is loading, and its text stopped changing. */
export async function settle(page: Page, name: string): Promise<void> {
  await page.waitForSelector(`main[data-page="${name}"]`, { timeout: 10_000 });
  let previous = "";
  for (let i = 0; i < 40; i++) {
    const { text, busy } = await page.evaluate(() => ({
      text: document.querySelector("main")?.textContent ?? "",
      busy: document.querySelector('main [aria-busy="true"]') !== null,
    }));
    if (!busy && text === previous && text !== "") return;
    previous = text;
    await page.waitForTimeout(250);
  }
}

/** Signs each role in (once per language) at `viewport` and calls `check` on every page that role may open. */
export async function visitEach(
  stack: ConsoleStack,
  options: {
    roles: readonly RoleUser[];
    langs: readonly ("zh" | "en")[];
    viewport: { width: number; height: number };
  },
  check: (visit: Visit) => Promise<string[]>,
): Promise<string[]> {
  const findings: string[] = [];
  for (const role of options.roles)
    for (const lang of options.langs) {
      const page = await signInPage(stack, role, { lang, viewport: options.viewport });
      for (const target of pagesFor(role)) {
        const where = `${target.hash} as ${role} in ${lang}`;
        await page.evaluate((hash) => {
          location.hash = hash;
        }, target.hash);
        try {
          await settle(page, target.name);
        } catch {
          findings.push(`${where}: the page "${target.name}" was not drawn (no main[data-page])`);
          continue;
        }
        for (const line of await check({ page, target, role, lang, where }))
          findings.push(`${where}: ${line}`);
      }
      await page.context().close();
    }
  return findings;
}

/** Axe's serious and critical violations, one line per rule with the first offending elements. */
export async function axeProblems(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(
      (violation) =>
        `axe ${violation.impact} ${violation.id} (${violation.nodes.length}×: ${violation.nodes
          .slice(0, 3)
          .map((node) => node.target.join(" "))
          .join(", ")})`,
    );
}

/** Whether the page is wider than the window, with the elements that stick out past its right edge. */
export async function overflowProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const scroll = document.documentElement.scrollWidth;
    if (scroll <= width) return [];
    const describe = (el: {
      tagName: string;
      id: string;
      classList: Iterable<string> & { length: number };
    }) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.classList.length ? `.${[...el.classList].join(".")}` : ""}`;
    // The outermost elements that stick out (their children stick out because of them).
    const wide = [...document.querySelectorAll("body *")].filter(
      (el) =>
        el.getBoundingClientRect().right > width + 1 &&
        !(el.parentElement && el.parentElement.getBoundingClientRect().right > width + 1),
    );
    return [
      `page is ${scroll} px wide in a ${width} px window (${wide.slice(0, 4).map(describe).join(", ")})`,
    ];
  });
}

/** Visible buttons, links and fields smaller than 44 × 44 px (a checkbox or radio counts its label). */
export async function tapTargetProblems(page: Page, minPx = 44): Promise<string[]> {
  return page.evaluate((min) => {
    const small: string[] = [];
    const selector =
      "button, a[href], input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex]:not([tabindex='-1'])";
    for (const el of document.querySelectorAll(selector)) {
      if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
      const target =
        el instanceof HTMLInputElement && (el.type === "checkbox" || el.type === "radio")
          ? (el.closest("label") ?? el)
          : el;
      const rect = target.getBoundingClientRect();
      if (rect.right <= 0 || rect.bottom <= 0 || rect.width === 0) continue; // off-screen (skip link)
      if (rect.height + 0.5 < min || rect.width + 0.5 < min) {
        const label = (el.textContent || el.getAttribute("aria-label") || el.getAttribute("name") || "")
          .trim()
          .slice(0, 24);
        small.push(
          `${el.tagName.toLowerCase()} "${label}" ${Math.round(rect.width)}×${Math.round(rect.height)}`,
        );
      }
    }
    return small.length
      ? [`${small.length} tap targets under ${min} px: ${small.slice(0, 6).join("; ")}`]
      : [];
  }, minPx);
}

/** Text on the page that is a server code (as a whole word) or an English server message. */
export async function rawCodeProblems(
  page: Page,
  codes: readonly string[],
  messages: readonly string[],
  ids: readonly string[],
): Promise<string[]> {
  // biome-ignore lint/performance/useDomNodeTextContent: only the text a person sees, as laid out
  const text: string = await page.evaluate(() => document.body.innerText);
  // Ids (devices, agents, halls, users) may be shown; take them out first so `kiosk-1` is not read as `kiosk`.
  let rest = text;
  for (const id of [...ids].sort((a, b) => b.length - a.length)) rest = rest.split(id).join(" ");
  const found = new Set<string>();
  for (const code of codes) {
    const escaped = code.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    if (new RegExp(`(?<![\\w-])${escaped}(?![\\w-])`).test(rest)) found.add(code);
  }
  for (const message of messages)
    if (rest.toLowerCase().includes(message.toLowerCase())) found.add(`"${message}"`);
  // Any English phrase of three lowercase words on a zh page is an untranslated text.
  for (const match of rest.matchAll(/\b[a-z]{2,}(?: [a-z]{2,}){2,}\b/g)) found.add(`"${match[0]}"`);
  return found.size ? [`raw codes or English text: ${[...found].join(", ")}`] : [];
}
