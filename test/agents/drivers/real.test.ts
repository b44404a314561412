import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseLpstat } from "../../../agents/drivers/real/cups-printer.js";
import { HostMetricsReader } from "../../../agents/drivers/real/host-metrics.js";
import { probeHttp } from "../../../agents/drivers/real/http-probe.js";
import { KioskHostDriver } from "../../../agents/drivers/real/kiosk-host.js";
import { QueueHostDriver } from "../../../agents/drivers/real/queue-host.js";
import { SignageHostDriver } from "../../../agents/drivers/real/signage-host.js";
import { decodeTelemetryValues } from "../../../src/contract/index.js";

let server: Server;
let base: string;
let healthy = true;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/health") {
      res.writeHead(healthy ? 200 : 503).end();
    } else if (req.url === "/queue") {
      res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          appOk: true,
          printerState: "ok",
          waitingTotal: 7,
          longestWaitSec: 300,
          countersOpen: 3,
        }),
      );
    } else if (req.url === "/slow") {
      setTimeout(() => res.writeHead(200).end(), 2000);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("CUPS lpstat parser", () => {
  it.each([
    ["printer receipt is idle.  enabled since Mon 23 Nov 2026 08:00:00\n\tAlerts: none\n", "ok"],
    [
      "printer receipt now printing receipt-12.  enabled since ...\n\tAlerts: media-low-report\n",
      "paper_low",
    ],
    ["printer receipt is idle.  enabled since ...\n\tAlerts: media-empty-error media-needed\n", "paper_out"],
    ["printer receipt is idle.  enabled since ...\n\tAlerts: media-jam-error\n", "jam"],
    ["printer receipt is idle.  enabled since ...\n\tAlerts: door-open-report\n", "cover_open"],
    ["printer receipt disabled since Mon ... -\n\tPaused\n\tAlerts: paused\n", "offline"],
    ["printer receipt is idle.  enabled since ...\n\tAlerts: offline-report\n", "offline"],
    ['lpstat: Invalid destination name in list "receipt".', "offline"],
    ["", "offline"],
  ])("maps %j to %s", (text, state) => {
    expect(parseLpstat(text).state).toBe(state);
  });
});

describe("real drivers", () => {
  it("probes an HTTP health endpoint, with a timeout", async () => {
    expect((await probeHttp(`${base}/health`)).ok).toBe(true);
    expect((await probeHttp(`${base}/missing`)).ok).toBe(false);
    const slow = await probeHttp(`${base}/slow`, 200);
    expect(slow.ok).toBe(false);
    expect(slow.latencyMs).toBeLessThan(1500);
  });

  it("reads this host's cpu, memory and disk in range", async () => {
    const reader = new HostMetricsReader();
    await reader.read();
    const m = await reader.read();
    for (const v of [m.cpuPct, m.memPct, m.diskPct]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(100);
    }
    expect(m.memPct).toBeGreaterThan(0);
  });

  it("composes a real kiosk from host metrics, the app's health and CUPS into valid kiosk values", async () => {
    const spec = { id: "kiosk-1", kind: "kiosk" as const, model: "K", zone: "z", reportIntervalSec: 10 };
    const driver = new KioskHostDriver(spec, {
      appHealthUrl: `${base}/health`,
      cupsPrinter: "no-such-printer",
    });
    healthy = true;
    const values = await driver.read();
    expect(decodeTelemetryValues("kiosk", values).ok).toBe(true);
    expect(values).toMatchObject({ appOk: true, printerState: "offline" });
    healthy = false;
    expect((await driver.read()).appOk).toBe(false);
    healthy = true;
  });

  it("reads a queue system's JSON status, and reports the app down when it is unreachable", async () => {
    const spec = { id: "queue-1", kind: "queue" as const, model: "Q", zone: "z", reportIntervalSec: 10 };
    const ok = await new QueueHostDriver(spec, { statusUrl: `${base}/queue` }).read();
    expect(ok).toMatchObject({ appOk: true, waitingTotal: 7 });
    const down = await new QueueHostDriver(spec, { statusUrl: `${base}/missing` }).read();
    expect(down.appOk).toBe(false);
    expect(decodeTelemetryValues("queue", down).ok).toBe(true);
  });

  it("lets CUPS report a queue machine's ticket printer over the queue system's own status", async () => {
    const spec = { id: "queue-1", kind: "queue" as const, model: "Q", zone: "z", reportIntervalSec: 10 };
    const driver = new QueueHostDriver(spec, { statusUrl: `${base}/queue`, cupsPrinter: "no-such-printer" });
    const values = await driver.read();
    expect(values).toMatchObject({ appOk: true, waitingTotal: 7, printerState: "offline" });
    expect(decodeTelemetryValues("queue", values).ok).toBe(true);
  });

  it("ages the signage player's heartbeat while its health check fails", async () => {
    const spec = { id: "tv-1", kind: "tv" as const, model: "T", zone: "z", reportIntervalSec: 10 };
    const driver = new SignageHostDriver(spec, { playerHealthUrl: `${base}/health` });
    healthy = true;
    expect((await driver.read(1_000_000)).playerHeartbeatAgeSec).toBe(0);
    healthy = false;
    expect((await driver.read(1_090_000)).playerHeartbeatAgeSec).toBe(90);
    healthy = true;
  });
});
