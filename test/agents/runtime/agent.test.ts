import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSimDriver } from "../../../agents/drivers/sim/index.js";
import { Agent } from "../../../agents/runtime/agent.js";
import type { DeviceDriver, DeviceSpec } from "../../../agents/runtime/driver.js";
import { decodeMessage, decodeTelemetryValues, topics } from "../../../src/contract/index.js";
import { createLogger, silentLogger } from "../../../src/logging.js";
import { type PlainBroker, startPlainBroker } from "../../helpers/plain-broker.js";
import { sleep, waitFor } from "../../helpers/wait.js";

const H = "hall-t";
const A = "agent-t";
const devices: DeviceSpec[] = [
  { id: "kiosk-1", kind: "kiosk", model: "K", zone: "z", reportIntervalSec: 1 },
  { id: "ext-1", kind: "extinguisher", model: "E", zone: "z", reportIntervalSec: 1 },
];

/** A gateway whose every reading is numbered and flips a boolean, so every sample is published. */
function countingDriver(): DeviceDriver<"gateway"> & { readings: number } {
  return {
    spec: { id: "gw-1", kind: "gateway", model: "G", zone: "z", reportIntervalSec: 3600 },
    readings: 0,
    read() {
      this.readings += 1;
      return {
        uplinkOk: this.readings % 2 === 0,
        latencyMs: 10,
        packetLossPct: 0,
        sensorsOnline: this.readings,
        sensorsExpected: 0,
      };
    },
  };
}

interface Seen {
  topic: string;
  json: any;
  retain: boolean;
}

describe("Agent", () => {
  let broker: PlainBroker;
  let observer: MqttClient;
  let seen: Seen[];
  let agent: Agent;
  let stateDir: string;

  beforeEach(async () => {
    broker = await startPlainBroker();
    stateDir = mkdtempSync(join(tmpdir(), "hallwatch-agent-"));
    seen = [];
    observer = await mqtt.connectAsync(broker.url, { clientId: "observer", reconnectPeriod: 100 });
    observer.on("message", (topic, payload, packet) => {
      let json: any;
      try {
        json = JSON.parse(payload.toString());
      } catch {
        return; // the test's own garbage command
      }
      seen.push({ topic, json, retain: packet.retain });
    });
    await observer.subscribeAsync("hallwatch/#", { qos: 1 });
  });

  afterEach(async () => {
    const t = Date.now();
    await agent?.stop();
    if (process.env.AGENT_DEBUG) console.log("agent stopped", Date.now() - t);
    await observer.endAsync(true);
    if (process.env.AGENT_DEBUG) console.log("observer stopped", Date.now() - t);
    await broker.close();
    if (process.env.AGENT_DEBUG) console.log("broker stopped", Date.now() - t);
    rmSync(stateDir, { recursive: true, force: true });
  });

  function startAgent(extra: Partial<ConstructorParameters<typeof Agent>[0]> = {}): Agent {
    agent = new Agent({
      brokerUrl: broker.url,
      hallId: H,
      agentId: A,
      password: "unused",
      stateDir,
      drivers: devices.map((d) => createSimDriver(d, 1)),
      logger: process.env.AGENT_DEBUG ? createLogger("debug") : silentLogger(),
      sampleIntervalMs: 100,
      reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
      ...extra,
    });
    agent.start();
    return agent;
  }

  const of = (type: string) =>
    seen.filter(
      (m) => decodeMessage(m.topic, Buffer.from(JSON.stringify(m.json))).ok && m.topic.split("/")[4] === type,
    );
  const telemetry = () => seen.filter((m) => m.topic.includes("/telemetry/"));

  it("announces itself, then reports every device with valid values and increasing seq", async () => {
    startAgent();
    await waitFor(() => telemetry().length >= 6, "six telemetry messages");
    const status = of("status")[0];
    expect(status?.json).toMatchObject({ v: 1, state: "online", session: 1 });
    const birth = of("birth")[0];
    expect(birth?.json).toMatchObject({ session: 1, seq: 0, agent: { id: A } });
    expect(birth?.json.devices.map((d: { id: string }) => d.id)).toEqual(["kiosk-1", "ext-1"]);
    const seqs = seen
      .filter((m) => m.topic.includes("/telemetry/") || m.topic.includes("/event/"))
      .map((m) => m.json.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    for (const m of telemetry()) {
      expect(decodeMessage(m.topic, Buffer.from(JSON.stringify(m.json))).ok).toBe(true);
      const kind = m.topic.endsWith("kiosk-1") ? "kiosk" : "extinguisher";
      expect(decodeTelemetryValues(kind, m.json.values).ok).toBe(true);
    }
  });

  it("publishes an event and telemetry at once when a discrete value changes", async () => {
    startAgent({ drivers: [createSimDriver({ ...devices[0]!, reportIntervalSec: 3600 }, 1)] });
    await waitFor(() => telemetry().length >= 1, "first report");
    const sim = agent.driver("kiosk-1") as ReturnType<typeof createSimDriver>;
    sim.inject("paper_jam");
    const event = await waitFor(
      () => seen.find((m) => m.topic.includes("/event/") && m.json.type === "changed"),
      "event",
    );
    expect(event.json.data).toMatchObject({ field: "printerState", from: "ok", to: "jam" });
    await waitFor(
      () => telemetry().some((m) => m.json.values.printerState === "jam"),
      "telemetry with the jam",
    );
  });

  it("answers commands: rebirth, set_report_interval, identify, and refuses bad ones", async () => {
    startAgent();
    await waitFor(() => telemetry().length >= 2, "running");
    const send = (body: object) =>
      observer.publishAsync(topics.command(H, A), JSON.stringify({ v: 1, tsMs: Date.now(), ...body }), {
        qos: 1,
      });
    const replies = () => seen.filter((m) => m.topic === topics.reply(H, A)).map((m) => m.json);
    await send({ id: "r1", cmd: "rebirth" });
    await send({ id: "r2", cmd: "set_report_interval", deviceId: "ext-1", reportIntervalSec: 600 });
    await send({ id: "r3", cmd: "identify", deviceId: "kiosk-1", durationSec: 5 });
    await send({ id: "r4", cmd: "identify", deviceId: "nope" });
    await send({ id: "r5", cmd: "self_destruct" });
    // Not JSON, and no id: nothing to answer to, and no crash.
    await observer.publishAsync(topics.command(H, A), "{not json", { qos: 1 });
    await send({ cmd: "rebirth" });
    await send({ id: "r6", cmd: "set_report_interval", reportIntervalSec: 0 });
    await waitFor(() => replies().length >= 6, "six replies");
    expect(Object.fromEntries(replies().map((r) => [r.id, r.ok]))).toEqual({
      r1: true,
      r2: true,
      r3: true,
      r4: false,
      r5: false,
      r6: false,
    });
    expect(replies().find((r) => r.id === "r4").error).toMatch(/unknown_device: nope/);
    expect(agent.isConnected).toBe(true);
    const births = of("birth").filter((m) => !m.retain);
    expect(births.at(-1)?.json.devices.find((d: { id: string }) => d.id === "ext-1").reportIntervalSec).toBe(
      600,
    );
    expect(seen.some((m) => m.json.type === "identify")).toBe(true);
    // After a (re)birth the sequence restarts: the next data message after the last birth has seq 1.
    const lastBirth = seen.lastIndexOf(births.at(-1)!);
    const isData = (m: Seen) => m.topic.includes("/telemetry/") || m.topic.includes("/event/");
    await waitFor(() => seen.slice(lastBirth).some(isData), "data after rebirth");
    expect(seen.slice(lastBirth).find(isData)?.json.seq).toBe(1);
  });

  it("puts the live session into its last will, also after a reconnect", async () => {
    startAgent();
    await waitFor(
      () => of("status").some((m) => m.json.state === "online" && m.json.session === 1),
      "session 1 online",
    );
    agent.kill();
    const will1 = await waitFor(() => of("status").find((m) => m.json.state === "offline"), "first will");
    expect(will1.json).toMatchObject({ session: 1, reason: "will" });
    const online2 = await waitFor(
      () => of("status").find((m) => m.json.state === "online" && m.json.session > 1),
      "reconnected",
    );
    const session2 = online2.json.session as number;
    agent.kill();
    const will2 = await waitFor(
      () => of("status").filter((m) => m.json.state === "offline")[1],
      "second will",
    );
    expect(will2.json.session).toBe(session2);
  });

  it("keeps every message produced during a broker outage and replays it, marked historical, with no gap", async () => {
    startAgent();
    await waitFor(() => telemetry().length >= 2, "running");
    const port = broker.port;
    await broker.close();
    const outageStartMs = Date.now();
    await sleep(2500);
    const outageEndMs = Date.now();
    expect(agent.spooledBytes).toBeGreaterThan(0);
    broker = await startPlainBroker(port, { admitAfterSubscribed: "observer" });
    await waitFor(() => telemetry().some((m) => m.json.historical === true), "replayed data", 10_000);
    await waitFor(() => agent.spooledBytes === 0, "spool drained", 10_000);
    await waitFor(
      () => telemetry().some((m) => !m.json.historical && m.json.tsMs > outageEndMs),
      "live again",
      5000,
    );
    const kioskTimes = telemetry()
      .filter((m) => m.topic.endsWith("/kiosk-1"))
      .map((m) => m.json.tsMs as number)
      .sort((a, b) => a - b);
    const during = kioskTimes.filter((t) => t > outageStartMs && t < outageEndMs);
    expect(during.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < kioskTimes.length; i++)
      expect(kioskTimes[i]! - kioskTimes[i - 1]!).toBeLessThan(1600);
    // The replay continues the new session's sequence: birth 0, then 1, 2, 3 ... with no hole.
    const session = of("status")
      .filter((m) => m.json.state === "online")
      .at(-1)!.json.session;
    const seqs = seen
      .filter((m) => m.json.session === session && m.json.seq > 0)
      .map((m) => m.json.seq as number);
    expect(seqs.slice(0, 20)).toEqual(seqs.slice(0, 20).map((_, i) => i + 1));
  });

  it("keeps data while the aggregator is offline and replays it when the aggregator is back", async () => {
    startAgent();
    await waitFor(() => telemetry().length >= 2, "running");
    const status = (state: string) =>
      observer.publishAsync(
        topics.aggregatorStatus(),
        JSON.stringify({ v: 1, state, instanceId: "x", tsMs: Date.now() }),
        {
          qos: 1,
          retain: true,
        },
      );
    await status("offline");
    await sleep(300);
    const before = telemetry().length;
    await sleep(1500);
    expect(telemetry().length).toBe(before); // nothing live while the aggregator is away
    expect(agent.spooledBytes).toBeGreaterThan(0);
    await status("online");
    await waitFor(() => telemetry().some((m) => m.json.historical === true), "historical replay");
    await waitFor(() => agent.spooledBytes === 0, "drained");
  });

  it("changes a device's report rate on set_report_interval", async () => {
    startAgent();
    await waitFor(() => telemetry().length >= 2, "running");
    await observer.publishAsync(
      topics.command(H, A),
      JSON.stringify({
        v: 1,
        tsMs: Date.now(),
        id: "slow",
        cmd: "set_report_interval",
        deviceId: "kiosk-1",
        reportIntervalSec: 60,
      }),
      { qos: 1 },
    );
    await waitFor(() => seen.some((m) => m.topic === topics.reply(H, A) && m.json.id === "slow"), "reply");
    await sleep(1200); // a report already due may still go out
    const mark = seen.length;
    await sleep(2200);
    const after = seen.slice(mark).filter((m) => m.topic.includes("/telemetry/"));
    expect(after.filter((m) => m.topic.endsWith("/kiosk-1"))).toHaveLength(0);
    expect(after.filter((m) => m.topic.endsWith("/ext-1")).length).toBeGreaterThanOrEqual(2);
  });

  it("delivers every reading taken during a broker outage, in order, replayed as historical", async () => {
    const driver = countingDriver();
    startAgent({ drivers: [driver] });
    const numbers = () => telemetry().map((m) => ({ n: m.json.values.sensorsOnline as number, m }));
    await waitFor(() => telemetry().length >= 3, "running");
    const port = broker.port;
    await broker.close();
    const outageMs = Date.now();
    const producedBefore = driver.readings;
    await sleep(1500);
    expect(driver.readings - producedBefore).toBeGreaterThanOrEqual(8);
    expect(agent.spooledMessages).toBeGreaterThan(0);
    const backMs = Date.now();
    broker = await startPlainBroker(port, { admitAfterSubscribed: "observer" });
    await waitFor(() => agent.spooledMessages === 0, "spool drained", 10_000);
    const lastProduced = driver.readings;
    await waitFor(() => numbers().some((x) => x.n >= lastProduced), "live again", 5000);
    await agent.stop();
    const received = numbers().map((x) => x.n);
    const distinct = [...new Set(received)];
    // Nothing lost: every reading from the first to the last arrived.
    expect(distinct).toEqual(Array.from({ length: distinct.length }, (_, i) => distinct[0]! + i));
    // In order (a message in flight at the cut may arrive twice, never out of order).
    for (let i = 1; i < received.length; i++) expect(received[i]!).toBeGreaterThanOrEqual(received[i - 1]!);
    const historical = numbers().filter((x) => x.m.json.historical === true);
    expect(historical.length).toBeGreaterThanOrEqual(8);
    // Replayed data keep their original time and continue the new session's sequence with no hole.
    const inOutage = historical.filter(({ m }) => m.json.tsMs > outageMs && m.json.tsMs < backMs);
    expect(inOutage.length).toBeGreaterThanOrEqual(8);
    const times = numbers().map(({ m }) => m.json.tsMs as number);
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
    const session = of("status")
      .filter((m) => m.json.state === "online")
      .at(-1)!.json.session;
    const seqs = seen.filter((m) => m.json.session === session && m.json.seq > 0).map((m) => m.json.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });
});
