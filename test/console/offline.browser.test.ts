import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERROR_TEXT } from "../../src/console/client/i18n/errors.js";
import { TEXT } from "../../src/console/client/i18n.js";
import { CHROMIUM } from "../helpers/chromium.js";
import { requireInCi } from "../helpers/external-servers.js";
import { ConsoleStack, PHONE } from "./console-stack.js";
import { settle, signInPage } from "./page-checks.js";

const available = requireInCi(CHROMIUM, "chromium");
/** The device list of the devices page, with or without its query. */
/**
 * The devices page's list. Not the alert directory's (it asks with includeRetired=true, and the board asks for it):
 * under load the board's request could come after the route was set and take the one failure meant for the page.
 */
const DEVICE_LIST = (url: URL) => url.pathname === "/api/devices" && !url.searchParams.has("includeRetired");

describe.skipIf(!available)("the console when the network fails", () => {
  const stack = new ConsoleStack();
  beforeAll(() => stack.start());
  afterAll(() => stack.stop());

  it("shows a reconnecting banner while the live stream is down, and drops it when the stream is back", async () => {
    // The server's side of every live stream, so the test can cut them as a dropped network would.
    const http = (stack.server as unknown as { api: { server: import("node:http").Server } }).api.server;
    const streams = new Set<import("node:net").Socket>();
    const track = (request: import("node:http").IncomingMessage) => {
      if (request.url?.startsWith("/api/alerts/stream")) streams.add(request.socket);
    };
    http.on("request", track);
    const page = await signInPage(stack, "duty", { viewport: PHONE, hash: "#/board" });
    const banner = page.locator("[data-testid=reconnecting]");
    await page.waitForSelector("[data-testid=live].up");
    await expect(banner.count()).resolves.toBe(0);
    // The stream breaks and every reconnection attempt fails while the network is gone.
    await page.route("**/api/alerts/stream", (route) => route.abort("connectionrefused"));
    for (const socket of streams) socket.destroy();
    await banner.waitFor({ timeout: 15_000 }).catch(() => {
      throw new Error("no reconnecting banner 15 s after the stream dropped");
    });
    await expect(banner.textContent()).resolves.toBe(TEXT.zh.reconnectingBanner);
    await expect(page.locator("[data-testid=live]").textContent()).resolves.toBe(TEXT.zh.reconnecting);
    await stack.shot(page, "offline-reconnecting");
    await page.unroute("**/api/alerts/stream");
    await banner.waitFor({ state: "detached", timeout: 30_000 }).catch(() => {
      throw new Error("the banner stayed 30 s after the stream could reconnect");
    });
    await page.waitForSelector("[data-testid=live].up");
    http.off("request", track);
    await page.context().close();
  }, 90_000);

  it("shows a failed request as a translated error with a retry that works, never 'Failed to fetch'", async () => {
    const page = await signInPage(stack, "duty", { viewport: PHONE, hash: "#/board" });
    await settle(page, "board"); // its own requests are done before the one failure is set up
    let failures = 1;
    await page.route(DEVICE_LIST, (route) =>
      failures-- > 0 ? route.abort("connectionrefused") : route.continue(),
    );
    await page.evaluate(() => {
      (globalThis as unknown as { location: { hash: string } }).location.hash = "#/devices";
    });
    const error = page.locator("main [role=alert]");
    await error.waitFor({ timeout: 10_000 });
    await expect(error.locator("p").textContent()).resolves.toBe(ERROR_TEXT.zh.network);
    await stack.shot(page, "offline-failed-request");
    await error.getByRole("button", { name: TEXT.zh.retry }).click();
    await settle(page, "devices");
    await expect(page.locator("main [role=alert]").count()).resolves.toBe(0);
    await expect(page.locator("main [data-device]").count()).resolves.toBeGreaterThan(0);
    await page.context().close();
  });

  it("shows the server's error code in the reader's language, not its English message", async () => {
    const page = await signInPage(stack, "floor", { viewport: PHONE, lang: "zh", hash: "#/board" });
    let failures = 1;
    await page.route(DEVICE_LIST, (route) =>
      failures-- > 0
        ? route.fulfill({
            status: 500,
            contentType: "application/json",
            body: JSON.stringify({ error: { code: "internal", message: "internal error" } }),
          })
        : route.continue(),
    );
    await page.evaluate(() => {
      (globalThis as unknown as { location: { hash: string } }).location.hash = "#/devices";
    });
    const error = page.locator("main [role=alert]");
    await error.waitFor({ timeout: 10_000 });
    await expect(error.locator("p").textContent()).resolves.toBe(ERROR_TEXT.zh.internal);
    await expect(page.locator("main").textContent()).resolves.not.toContain("internal error");
    await page.context().close();
  });
});
