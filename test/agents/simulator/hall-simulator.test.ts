import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HallSimulator } from "../../../agents/simulator/hall-simulator.js";
import { demoHallLayout, loadHallLayouts } from "../../../agents/simulator/layout.js";
import {
  type DeviceKind,
  decodeMessage,
  decodeTelemetryValues,
  ID_PATTERN,
  topics,
} from "../../../src/contract/index.js";
import { type PlainBroker, startPlainBroker } from "../../helpers/plain-broker.js";
import { waitFor } from "../../helpers/wait.js";

const run = promisify(execFile);
const HALL = "hall-a";

interface Seen {
  topic: string;
  json: any;
}

describe("demo hall layout", () => {
  it("has 4 kiosks, 6 chargers, 3 TVs, 2 queue machines as own agents and a gateway with 8 + 2 sensors", () => {
    const layout = demoHallLayout(HALL);
    const devices = layout.agents.flatMap((a) => a.devices);
    const count = (kind: string) => devices.filter((d) => d.kind === kind).length;
    expect([count("kiosk"), count("charger"), count("tv"), count("queue")]).toEqual([4, 6, 3, 2]);
    expect([count("gateway"), count("extinguisher"), count("hydrant")]).toEqual([1, 8, 2]);
    expect(layout.agents).toHaveLength(16);
    const gateway = layout.agents.find((a) => a.agentId === `${HALL}-gateway`);
    expect(gateway?.devices).toHaveLength(11);
    for (const a of layout.agents) expect(a.agentId).toMatch(ID_PATTERN);
    for (const d of devices) expect(d.id).toMatch(ID_PATTERN);
    expect(devices.map((d) => d.id)).toContain("kiosk-1");
    expect(devices.map((d) => d.id)).toContain("ext-3");
  });

  it("gives many halls globally unique agent ids", () => {
    const halls = loadHallLayouts(3);
    const ids = halls.flatMap((h) => h.agents.map((a) => a.agentId));
    expect(ids).toHaveLength(48);
    expect(new Set(ids).size).toBe(48);
  });
});

describe("HallSimulator", () => {
  let broker: PlainBroker;
  let observer: MqttClient;
  let simulator: HallSimulator;
  let stateDir: string;
  const seen: Seen[] = [];

  beforeAll(async () => {
    broker = await startPlainBroker();
    stateDir = mkdtempSync(join(tmpdir(), "hallwatch-sim-"));
    observer = await mqtt.connectAsync(broker.url, { clientId: "observer" });
    observer.on("message", (topic, payload) => seen.push({ topic, json: JSON.parse(payload.toString()) }));
    await observer.subscribeAsync("hallwatch/#", { qos: 1 });
    simulator = new HallSimulator({
      brokerUrl: broker.url,
      halls: [demoHallLayout(HALL, { mainsReportIntervalSec: 1, sensorReportIntervalSec: 1 })],
      credentials: () => "secret",
      stateDir,
      seed: 7,
      controlPort: 0,
      sampleIntervalMs: 100,
    });
    await simulator.start();
  });

  afterAll(async () => {
    await simulator?.stop();
    await observer?.endAsync(true);
    await broker?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const valid = () => seen.filter((m) => decodeMessage(m.topic, Buffer.from(JSON.stringify(m.json))).ok);
  const control = (method: "GET" | "POST", body?: unknown) =>
    fetch(`${simulator.controlUrl}/faults`, {
      method,
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it("brings every agent online as a real MQTT client with a birth and valid telemetry for every device", async () => {
    expect(simulator.controlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await waitFor(() => simulator.connectedAgents === 16, "16 agents connected");
    await waitFor(() => valid().filter((m) => m.topic.endsWith("/birth")).length >= 16, "16 births");
    const births = valid().filter((m) => m.topic.endsWith("/birth"));
    expect(births.flatMap((b) => b.json.devices)).toHaveLength(26);
    await waitFor(
      () =>
        new Set(
          valid()
            .filter((m) => m.topic.includes("/telemetry/"))
            .map((m) => m.topic),
        ).size === 26,
      "telemetry from all 26 devices",
    );
    const kindOf = new Map<string, DeviceKind>(
      births.flatMap((b) => b.json.devices.map((d: any) => [d.id, d.kind])),
    );
    for (const m of seen.filter((x) => x.topic.includes("/telemetry/"))) {
      const kind = kindOf.get(m.topic.split("/").at(-1) ?? "")!;
      expect(decodeTelemetryValues(kind, m.json.values).ok).toBe(true);
    }
  });

  it("injects and clears a fault over the control API, seen on the wire as an event and telemetry", async () => {
    await waitFor(() => simulator.connectedAgents === 16, "connected");
    const kioskEvents = () =>
      seen.filter((m) => m.topic === topics.event(HALL, `${HALL}-kiosk-1`, "kiosk-1"));
    const inject = await control("POST", {
      hallId: HALL,
      deviceId: "kiosk-1",
      fault: "paper_jam",
      action: "inject",
    });
    expect(inject.status).toBe(200);
    await waitFor(
      () => kioskEvents().find((m) => m.json.type === "changed" && m.json.data.to === "jam"),
      "jam event",
    );
    const listed = (await (await control("GET")).json()) as any;
    expect(listed.devices.find((d: any) => d.deviceId === "kiosk-1").activeFaults).toEqual(["paper_jam"]);
    expect(listed.faultNames.extinguisher).toContain("removed");
    await control("POST", { hallId: HALL, deviceId: "kiosk-1", fault: "paper_jam", action: "clear" });
    await waitFor(
      () => kioskEvents().find((m) => m.json.type === "changed" && m.json.data.from === "jam"),
      "cleared event",
    );
    expect(simulator.devices().find((d) => d.deviceId === "kiosk-1")?.activeFaults).toEqual([]);
  });

  it("refuses unknown halls, devices and faults with a clear error", async () => {
    const body = { hallId: HALL, deviceId: "kiosk-1", fault: "paper_jam", action: "inject" };
    const noDevice = await control("POST", { ...body, deviceId: "kiosk-99" });
    expect(noDevice.status).toBe(404);
    expect(((await noDevice.json()) as any).error).toMatch(/no simulated device kiosk-99/);
    const noFault = await control("POST", { ...body, fault: "on_fire" });
    expect(noFault.status).toBe(400);
    expect(((await noFault.json()) as any).error).toMatch(/unknown fault "on_fire".*known: paper_jam/);
    const noHall = await control("POST", { ...body, hallId: "nowhere" });
    expect(noHall.status).toBe(404);
    const badBody = await control("POST", { hallId: HALL });
    expect(badBody.status).toBe(400);
    expect(() => simulator.inject(HALL, "tv-1", "paper_jam")).toThrow(/known: off, standby/);
  });

  it("the CLI injects through the control URL and reports errors with exit code 1", async () => {
    const cli = ["--import", "tsx", "agents/simulator/cli.ts"];
    const url = ["--control-url", simulator.controlUrl!];
    const ok = await run(process.execPath, [
      ...cli,
      "inject",
      "--hall",
      HALL,
      "--device",
      "ext-3",
      "--fault",
      "removed",
      ...url,
    ]);
    expect(ok.stdout).toMatch(/injected removed on hall-a\/ext-3/);
    expect(simulator.devices().find((d) => d.deviceId === "ext-3")?.activeFaults).toEqual(["removed"]);
    const bad = await run(process.execPath, [
      ...cli,
      "clear",
      "--hall",
      HALL,
      "--device",
      "ext-3",
      "--fault",
      "nope",
      ...url,
    ]).catch((err: { code: number; stderr: string }) => err);
    expect(bad).toMatchObject({ code: 1 });
    expect((bad as { stderr: string }).stderr).toMatch(/unknown fault "nope"/);
    const faults = await run(process.execPath, [...cli, "faults"]);
    expect(faults.stdout).toMatch(/charger\s+overheat, port_fault, half_ports_fault/);
  });

  it("killAgent drops the connection without DISCONNECT: the retained will carries the live session", async () => {
    const agentId = `${HALL}-tv-1`;
    await waitFor(() => simulator.agent(agentId)?.isConnected, "tv agent connected");
    const live = simulator.agent(agentId)!.currentSession;
    simulator.killAgent(agentId);
    const will = await waitFor(
      () =>
        seen.find(
          (m) =>
            m.topic === topics.agentStatus(HALL, agentId) &&
            m.json.state === "offline" &&
            m.json.reason === "will",
        ),
      "will",
    );
    expect(will.json.session).toBe(live);
    await waitFor(
      () =>
        seen.find(
          (m) =>
            m.topic === topics.agentStatus(HALL, agentId) &&
            m.json.session > live &&
            m.json.state === "online",
        ),
      "back online in a new session",
    );
    expect(() => simulator.killAgent("nobody")).toThrow(/no simulated agent/);
  });

  it("stops every agent cleanly with a retained shutdown status", async () => {
    await simulator.stop();
    const shutdowns = new Set(
      seen.filter((m) => m.topic.endsWith("/status") && m.json.reason === "shutdown").map((m) => m.topic),
    );
    expect(shutdowns.size).toBe(16);
    expect(simulator.controlUrl).toBeNull();
  });
});
