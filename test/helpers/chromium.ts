import { type Browser, chromium } from "playwright-core";
import { findBinary } from "./external-servers.js";

export const CHROMIUM = findBinary(["/usr/bin/chromium", "/usr/bin/chromium-browser"]);

/**
 * Debian's Chromium, headless, as root in a sandbox with no network: without the background-networking flags it
 * keeps trying to reach Google's hosts.
 */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM as string,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      ...extraArgs,
    ],
  });
}
