import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BirthDevice } from "../../src/contract/index.js";
import { type PlainBroker, startPlainBroker } from "../helpers/plain-broker.js";
import { kioskValues, RawAgent } from "../helpers/raw-agent.js";
import { sleep, waitFor } from "../helpers/wait.js";
import { AggregatorHarness } from "./harness.js";

const kiosk: BirthDevice = { id: "k1", kind: "kiosk", model: "K", zone: "z", reportIntervalSec: 1 };
const ext: BirthDevice = { id: "e1", kind: "extinguisher", model: "E", zone: "z", reportIntervalSec: 900 };

describe("uptime API", () => {
  let broker: PlainBroker;
  let harness: AggregatorHarness;

  beforeEach(async () => {
    broker = await startPlainBroker();
    harness = new AggregatorHarness(broker.url);
    harness.openDb();
    await harness.provision("h1", ["a1"]);
    await harness.start();
  });

  afterEach(async () => {
    await harness.close();
    await broker.close();
  });

  it("counts online time as up and offline time as down, per device, kind and hall, and as CSV", async () => {
    const startMs = Date.now();
    const agent = new RawAgent(broker.url, "h1", "a1", 1, [kiosk, ext]);
    await agent.connect();
    await agent.online();
    await agent.birth();
    await agent.telemetry("k1", kioskValues);
    await sleep(600);
    agent.kill();
    await waitFor(async () => (await harness.device("h1", "k1"))?.connectivity === "offline", "offline");
    await sleep(400);
    const body = await harness.get(`/api/uptime?hallId=h1&fromMs=${startMs}`);
    const k1 = body.items.find((r: { deviceId: string }) => r.deviceId === "k1");
    expect(k1.upMs).toBeGreaterThanOrEqual(500);
    expect(k1.downMs).toBeGreaterThanOrEqual(300);
    expect(k1.upMs + k1.downMs + k1.unknownMs).toBe(k1.expectedMs);
    expect(k1.ratio).toBeGreaterThan(0);
    expect(k1.ratio).toBeLessThan(1);
    expect(body.byKind.kiosk.upMs).toBe(k1.upMs);
    expect(body.byHall.h1.expectedMs).toBe(
      body.items.reduce((s: number, r: { expectedMs: number }) => s + r.expectedMs, 0),
    );
    const csv = await harness.api.inject({
      method: "GET",
      url: `/api/uptime?hallId=h1&fromMs=${startMs}&format=csv`,
      headers: harness.headers,
    });
    expect(csv.headers["content-type"]).toMatch(/text\/csv/);
    expect(csv.body.split("\n")[0]).toBe(
      "hallId,deviceId,kind,expectedMs,upMs,downMs,unknownMs,maintenanceMs,availability,failures,mtbfMs,mttrMs",
    );
    expect(csv.body).toMatch(/^h1,k1,kiosk,/m);
    const days = await harness.get(`/api/uptime?hallId=h1&fromMs=${startMs - 86_400_000}&bucket=day`);
    expect(days.buckets.length).toBeGreaterThanOrEqual(2);
    const bad = await harness.api.inject({
      method: "GET",
      url: "/api/uptime?bucket=day",
      headers: harness.headers,
    });
    expect(bad.statusCode).toBe(400);
  });
});
