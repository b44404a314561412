import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemo } from "../../src/app/demo.js";
import { createEmbeddedBroker } from "../../src/app/embedded-broker.js";
import { HallwatchServer, type RunningAddresses } from "../../src/app/server.js";
import { parseConfig } from "../../src/config/config.js";
import { silentLogger } from "../../src/logging.js";
import { clientApiCalls, inOpenApi, normalisePath } from "./client-api-calls.js";

/** The console calls only what the running server documents in /api/openapi.json, with the method it takes. */
describe("the console's API calls against the server's OpenAPI document", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "hallwatch-openapi-"));
  let server: HallwatchServer;
  let at: RunningAddresses;
  let paths: Record<string, Record<string, unknown>>;

  beforeAll(async () => {
    const config = parseConfig({
      dataDir,
      logLevel: "silent",
      http: { port: 0 },
      mqtt: { host: "127.0.0.1", port: 0 },
      demo: { controlPort: 0 },
      auth: { adminPassword: "openapi-test-admin" },
    });
    server = new HallwatchServer(config, silentLogger(), { createBroker: createEmbeddedBroker, createDemo });
    at = await server.start();
    const response = await fetch(`${at.httpUrl}/api/openapi.json`);
    expect(response.status).toBe(200);
    paths = ((await response.json()) as { paths: typeof paths }).paths;
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // The paths below are source text of call sites, `${…}` included.
  /* biome-ignore-start lint/suspicious/noTemplateCurlyInString: source text of call sites */
  it("reads paths the way call sites write them", () => {
    expect(normalisePath("/api/halls/${encodeURIComponent(hallId)}/readiness?preview=true")).toBe(
      "/api/halls/{}/readiness",
    );
    expect(normalisePath("/api/uptime?fromMs=${fromMs}")).toBe("/api/uptime");
    expect(normalisePath("/api/devices${query}")).toBe("/api/devices");
    expect(inOpenApi("/api/halls/{}/readiness", ["/api/halls/{hallId}/readiness"])).toBe(true);
    expect(inOpenApi("/api/halls/{}/nothing", ["/api/halls/{hallId}/readiness"])).toBe(false);
  });
  /* biome-ignore-end lint/suspicious/noTemplateCurlyInString: source text of call sites */

  it("finds every call site, and each path and method is in the document", () => {
    const { calls, unscannable } = clientApiCalls(join(process.cwd(), "src/console/client"));
    // A scan that finds nothing cannot fail: these calls exist since the first console.
    expect(calls.map((call) => `${call.method} ${call.path}`)).toEqual(
      expect.arrayContaining(["POST /api/auth/login", "GET /api/auth/me", "GET /api/alerts/stream"]),
    );
    const documented = Object.keys(paths).map((path) => path.replace(/:(\w+)/g, "{$1}"));
    const undocumented = calls
      .filter((call) => {
        const matches = Object.keys(paths).filter((p) =>
          inOpenApi(call.path, [p.replace(/:(\w+)/g, "{$1}")]),
        );
        return !matches.some((p) => call.method.toLowerCase() in (paths[p] ?? {}));
      })
      .map((call) => `${call.at}: ${call.method} ${call.path}`);
    expect(documented.length).toBeGreaterThan(10);
    expect([...unscannable, ...undocumented]).toEqual([]);
  });
});
