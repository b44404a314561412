import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import type { HallSimulator } from "../../agents/simulator/hall-simulator.js";
import { createDemo } from "../../src/app/demo.js";
import { createEmbeddedBroker } from "../../src/app/embedded-broker.js";
import { HallwatchServer, type RunningAddresses, type ServerParts } from "../../src/app/server.js";
import { parseConfig } from "../../src/config/config.js";
import { silentLogger } from "../../src/logging.js";
import { launchChromium } from "../helpers/chromium.js";

export const ARTIFACTS = join(process.cwd(), "test-artifacts");
export const ADMIN_PASSWORD = "console-test-admin";

/** The demo's users and their passwords (README), plus the admin this stack starts with. */
export const ROLE_USERS = {
  admin: { username: "admin", password: ADMIN_PASSWORD },
  duty: { username: "duty", password: "demo-duty" },
  floor: { username: "floor", password: "demo-floor" },
  maint: { username: "maint", password: "demo-maint" },
  guard: { username: "guard", password: "demo-guard" },
} as const;
export type RoleUser = keyof typeof ROLE_USERS;

export const DESKTOP = { width: 1440, height: 900 } as const;
export const PHONE = { width: 390, height: 844 } as const;
export const SMALL_PHONE = { width: 360, height: 740 } as const;

/**
 * A whole Hallwatch on its embedded default (Aedes, SQLite, the demo hall and its simulator) on free loopback
 * ports, and Debian's Chromium, for tests that use the console as its people do.
 */
export class ConsoleStack {
  readonly dataDir = mkdtempSync(join(tmpdir(), "hallwatch-console-"));
  server!: HallwatchServer;
  at!: RunningAddresses;
  browser!: Browser;

  constructor(
    private readonly overrides: Record<string, unknown> = {},
    /** More of the server's parts, e.g. `people` (rosters, contacts, senders) for personal notices. */
    private readonly parts: Partial<ServerParts> = {},
  ) {}

  async start(): Promise<void> {
    mkdirSync(ARTIFACTS, { recursive: true });
    const config = parseConfig({
      dataDir: this.dataDir,
      logLevel: "silent",
      http: { port: 0 },
      mqtt: { host: "127.0.0.1", port: 0 },
      demo: { controlPort: 0 },
      auth: { adminPassword: ADMIN_PASSWORD },
      ...this.overrides,
    });
    this.server = new HallwatchServer(config, silentLogger(), {
      createBroker: createEmbeddedBroker,
      createDemo,
      ...this.parts,
    });
    this.at = await this.server.start();
    this.browser = await launchChromium();
  }

  async stop(): Promise<void> {
    await this.browser?.close();
    await this.server?.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  get simulator(): HallSimulator {
    return (this.server.demoSimulator as unknown as { simulator: HallSimulator }).simulator;
  }

  /** A new browser page signed in as `role`, in `lang`, at `viewport`; it waits for the shell to be drawn. */
  async signIn(
    role: RoleUser,
    options: {
      lang?: "zh" | "en";
      viewport?: { width: number; height: number };
      hash?: string;
      /** The browser's own IANA zone (default the machine's), to show pages use the hall's zone, not this one. */
      timezoneId?: string;
    } = {},
  ): Promise<Page> {
    const lang = options.lang ?? "zh";
    const page = await this.browser.newPage({
      viewport: options.viewport ?? DESKTOP,
      locale: lang === "zh" ? "zh-CN" : "en-GB",
      ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
    });
    await page.addInitScript(`localStorage.setItem("hallwatch.lang", ${JSON.stringify(lang)})`);
    await page.goto(`${this.at.httpUrl}/${options.hash ?? ""}`);
    const { username, password } = ROLE_USERS[role];
    await page.fill("input[name=username]", username);
    await page.fill("input[name=password]", password);
    await page.click("button[type=submit]");
    await page.waitForSelector("header");
    return page;
  }

  /** GET/POST the API as `role` (a fresh session per call), for setting up and checking what a test did. */
  async api<T = unknown>(
    role: RoleUser,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const { username, password } = ROLE_USERS[role];
    const login = await fetch(`${this.at.httpUrl}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, password }),
    });
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const response = await fetch(`${this.at.httpUrl}${path}`, {
      method,
      headers: {
        cookie,
        "x-csrf-token": csrfToken,
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json().catch(() => null)) as T };
  }

  async shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  }
}
