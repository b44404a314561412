import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HallSimulator } from "../../agents/simulator/hall-simulator.js";
import { createDemo } from "../../src/app/demo.js";
import { createEmbeddedBroker } from "../../src/app/embedded-broker.js";
import { HallwatchServer, type RunningAddresses } from "../../src/app/server.js";
import { parseConfig } from "../../src/config/config.js";
import { silentLogger } from "../../src/logging.js";
import { bearerToken } from "../helpers/auth.js";

/** `npm start` in miniature: embedded broker, demo hall with its fire assets and demo users, on free ports. */
export class DemoServer {
  readonly dataDir = mkdtempSync(join(tmpdir(), "hallwatch-fire-"));
  server!: HallwatchServer;
  at!: RunningAddresses;
  simulator!: HallSimulator;
  private readonly tokens = new Map<string, string>();

  /** `config` is merged into the test configuration (e.g. `{ publicUrl: "https://…" }`). */
  constructor(private readonly config: Record<string, unknown> = {}) {}

  async start(): Promise<void> {
    const config = parseConfig({
      dataDir: this.dataDir,
      logLevel: "silent",
      http: { port: 0 },
      mqtt: { host: "127.0.0.1", port: 0 },
      demo: { controlPort: 0 },
      auth: { adminPassword: "fire-test-admin" },
      ...this.config,
    });
    this.server = new HallwatchServer(config, silentLogger(), {
      createBroker: createEmbeddedBroker,
      createDemo,
    });
    this.at = await this.server.start();
    this.simulator = (this.server.demoSimulator as unknown as { simulator: HallSimulator }).simulator;
  }

  /** A bearer token of a demo user (duty, floor, maint, guard; password demo-<user>) or the admin. */
  async token(user: string): Promise<string> {
    let token = this.tokens.get(user);
    if (!token) {
      token = await bearerToken(this.at.httpUrl, user, user === "admin" ? "fire-test-admin" : `demo-${user}`);
      this.tokens.set(user, token);
    }
    return token;
  }

  async call(user: string, method: string, path: string, body?: unknown, contentType = "application/json") {
    const headers: Record<string, string> = { authorization: `Bearer ${await this.token(user)}` };
    if (body !== undefined) headers["content-type"] = contentType;
    return fetch(`${this.at.httpUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
  }

  async json<T = any>(
    user: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const response = await this.call(user, method, path, body);
    return { status: response.status, body: (await response.json()) as T };
  }

  /** GET over plain HTTP with a chosen Host header, as a browser that reached the server by that name sends it. */
  async getWithHost(
    user: string,
    path: string,
    host?: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: string }> {
    const token = await this.token(user);
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.at.httpUrl}${path}`,
        { headers: { authorization: `Bearer ${token}`, ...(host ? { host } : {}), ...headers } },
        (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (chunk) => {
            body += chunk;
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on("error", reject);
      req.end();
    });
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** A 1×1 PNG. */
export const TINY_PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
