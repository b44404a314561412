import { existsSync } from "node:fs";
import { chromium } from "playwright-core";

/** The Chromium to print PDFs with: the configured one, else /usr/bin/chromium when installed; null: none. */
export function findChromium(configured: string | null): { path: string | null; why: string | null } {
  if (configured) {
    return existsSync(configured)
      ? { path: configured, why: null }
      : { path: null, why: `reports.chromiumPath ${configured} does not exist` };
  }
  for (const candidate of ["/usr/bin/chromium", "/usr/bin/chromium-browser"]) {
    if (existsSync(candidate)) return { path: candidate, why: null };
  }
  return { path: null, why: "no Chromium found (set reports.chromiumPath)" };
}

/**
 * Prints HTML pages to A4 PDFs with headless Chromium (one browser for the batch). The page is set as content, with
 * no network: the printable report has every style inline and uses the system's fonts (CJK included).
 */
export async function renderPdfs(chromiumPath: string, pages: readonly string[]): Promise<Buffer[]> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  try {
    const out: Buffer[] = [];
    for (const html of pages) {
      const page = await browser.newPage();
      try {
        await page.route("**/*", (route) => route.abort());
        await page.setContent(html, { waitUntil: "load" });
        out.push(
          await page.pdf({ format: "A4", printBackground: true, margin: { top: "12mm", bottom: "12mm" } }),
        );
      } finally {
        await page.close();
      }
    }
    return out;
  } finally {
    await browser.close();
  }
}
