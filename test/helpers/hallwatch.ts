import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmbeddedBroker } from "../../src/app/embedded-broker.js";
import type { PeopleParts } from "../../src/app/people-wiring.js";
import { HallwatchServer, type RunningAddresses } from "../../src/app/server.js";
import { parseConfig } from "../../src/config/config.js";
import { silentLogger } from "../../src/logging.js";

export const ADMIN_PASSWORD = "Owner-of-the-Hall-7";

/**
 * Hallwatch without the demo hall (embedded broker, SQLite, HTTP API) on free ports in a fresh data
 * directory, for tests that meet it over real HTTP. `now` is the server's clock where the API takes one.
 */
export async function startHallwatch(
  overrides: Record<string, unknown> = {},
  options: { now?: () => number; dataDir?: string; keep?: boolean; people?: PeopleParts } = {},
): Promise<{
  server: HallwatchServer;
  at: RunningAddresses;
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}> {
  const dataDir = options.dataDir ?? join(mkdtempSync(join(tmpdir(), "hallwatch-sec-")), "data");
  const { http, auth, ...rest } = overrides as { http?: object; auth?: object };
  const config = parseConfig({
    dataDir,
    logLevel: "silent",
    http: { port: 0, ...http },
    mqtt: { host: "127.0.0.1", port: 0 },
    demo: { enabled: false },
    auth: { adminPassword: ADMIN_PASSWORD, ...auth },
    ...rest,
  });
  const server = new HallwatchServer(config, silentLogger(), {
    createBroker: createEmbeddedBroker,
    ...(options.now ? { now: options.now } : {}),
    ...(options.people ? { people: options.people } : {}),
  });
  const at = await server.start();
  return {
    server,
    at,
    url: at.httpUrl,
    dataDir,
    async stop() {
      await server.stop();
      if (!options.keep) rmSync(join(dataDir, ".."), { recursive: true, force: true });
    },
  };
}

/** A client that keeps its cookies, like a browser on one device. */
export class Browser {
  readonly cookies = new Map<string, string>();
  csrf = "";

  constructor(
    private readonly baseUrl: string,
    private readonly extraHeaders: Record<string, string> = {},
  ) {}

  async request(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { ...this.extraHeaders };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    if (this.csrf) headers["x-csrf-token"] = this.csrf;
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === "" || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  async json(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: any; headers: Headers }> {
    const response = await this.request(method, path, body);
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
  }

  async signIn(username: string, password: string): Promise<{ status: number; body: any; headers: Headers }> {
    const answer = await this.json("POST", "/api/auth/login", { username, password });
    if (answer.status === 200) this.csrf = answer.body.csrfToken;
    return answer;
  }
}
