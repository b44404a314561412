import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HallSimulator } from "../../agents/simulator/hall-simulator.js";
import { createDemo } from "../../src/app/demo.js";
import { createEmbeddedBroker } from "../../src/app/embedded-broker.js";
import { HallwatchServer, type RunningAddresses } from "../../src/app/server.js";
import { parseConfig } from "../../src/config/config.js";
import { silentLogger } from "../../src/logging.js";
import { bearerToken } from "../helpers/auth.js";
import { waitFor } from "../helpers/wait.js";

const dataDir = mkdtempSync(join(tmpdir(), "hallwatch-server-"));
const config = parseConfig({
  dataDir,
  logLevel: "silent",
  http: { port: 0 },
  mqtt: { host: "127.0.0.1", port: 0 },
  demo: { controlPort: 0 },
  auth: { adminPassword: "server-test-admin" },
});
let token = "";
const newServer = () =>
  new HallwatchServer(config, silentLogger(), { createBroker: createEmbeddedBroker, createDemo });

async function getJson(url: string): Promise<any> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return response.json();
}

describe("Hallwatch on its embedded default (what npm start runs)", () => {
  let server: HallwatchServer;
  let at: RunningAddresses;
  let startMs: number;

  beforeAll(async () => {
    startMs = Date.now();
    server = newServer();
    at = await server.start();
    token = await bearerToken(at.httpUrl, "admin", "server-test-admin");
  });

  afterAll(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("has every demo device online within 10 s of start", async () => {
    const devices = await waitFor(
      async () => {
        const body = await getJson(`${at.httpUrl}/api/devices`);
        return body.items.length === 26 &&
          body.items.every((d: { connectivity: string }) => d.connectivity === "online")
          ? body.items
          : null;
      },
      "26 devices online",
      10_000,
    );
    expect(Date.now() - startMs).toBeLessThan(10_000);
    const kinds = devices.reduce((acc: Record<string, number>, d: { kind: string }) => {
      acc[d.kind] = (acc[d.kind] ?? 0) + 1;
      return acc;
    }, {});
    expect(kinds).toEqual({ kiosk: 4, charger: 6, tv: 3, queue: 2, gateway: 1, extinguisher: 8, hydrant: 2 });
    const health = await fetch(`${at.httpUrl}/api/health`);
    expect(health.status).toBe(200);
  });

  it("keeps its secrets in owner-only files", () => {
    for (const file of ["service-secret", "demo-agent-secrets.json"]) {
      expect(statSync(join(dataDir, file)).mode & 0o077).toBe(0);
    }
  });

  it("shows a fault injected through the simulator's control endpoint", async () => {
    const response = await fetch(`${at.simulatorControlUrl}/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        hallId: "demo-hall",
        deviceId: "kiosk-2",
        fault: "paper_jam",
        action: "inject",
      }),
    });
    expect(response.status).toBe(200);
    await waitFor(
      async () =>
        (await getJson(`${at.httpUrl}/api/devices/demo-hall/kiosk-2`)).values?.printerState === "jam",
      "jam visible in the API",
    );
    const bad = await fetch(`${at.simulatorControlUrl}/faults`, {
      method: "POST",
      body: JSON.stringify({ hallId: "demo-hall", deviceId: "kiosk-2", fault: "meltdown", action: "inject" }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/unknown fault/);
  });

  it("marks a dead agent's hosted devices offline, then online again when it reconnects", async () => {
    const simulator = (server.demoSimulator as unknown as { simulator: HallSimulator }).simulator;
    simulator.killAgent("demo-hall-gateway");
    await waitFor(
      async () => {
        const detail = await getJson(`${at.httpUrl}/api/devices/demo-hall/ext-1`);
        return detail.connectivityHistory.some((i: { reason: string }) => i.reason === "agent_offline");
      },
      "ext-1 offline because its agent died",
      10_000,
    );
    await waitFor(
      async () => (await getJson(`${at.httpUrl}/api/devices/demo-hall/ext-1`)).connectivity === "online",
      "ext-1 back online",
      15_000,
    );
  });

  it("checkpoints SQLite's WAL on a worker thread, not in the main connection's commits", async () => {
    const row = await server.sqlEngine.get<{ wal_autocheckpoint: number }>("PRAGMA wal_autocheckpoint");
    expect(row?.wal_autocheckpoint).toBe(0);
    const checkpoints = async () => {
      const text = await (
        await fetch(`${at.httpUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } })
      ).text();
      return Number(/^hallwatch_sqlite_wal_checkpoints_total (\d+)/m.exec(text)?.[1] ?? 0);
    };
    await waitFor(async () => (await checkpoints()) >= 1, "a checkpoint by the thread");
  });

  it("restores device state from SQLite after a restart", async () => {
    await server.stop();
    server = newServer();
    at = await server.start();
    const kiosk = await getJson(`${at.httpUrl}/api/devices/demo-hall/kiosk-2`);
    expect(kiosk.kind).toBe("kiosk");
    expect(kiosk.values.printerState).toBe("jam"); // the last reading before the restart
  });
});
