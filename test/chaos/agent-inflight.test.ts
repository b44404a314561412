import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "../../agents/runtime/agent.js";
import type { DeviceDriver } from "../../agents/runtime/driver.js";
import { requireInCi } from "../helpers/external-servers.js";
import { MOSQUITTO, type Mosquitto, startMosquitto } from "../helpers/mosquitto.js";
import { sleep, waitFor } from "../helpers/wait.js";
import { CuttableLink } from "./cuttable-link.js";

const available = requireInCi(MOSQUITTO, "mosquitto");
const HALL = "inflight-hall";
const AGENT = "inflight-agent";

describe.runIf(available)(
  "an agent whose broker stops with publishes in flight (real Mosquitto over TCP)",
  () => {
    let mosquitto: Mosquitto;
    let link: CuttableLink;
    let subscriber: MqttClient;
    let agent: Agent | null = null;
    const stateDir = mkdtempSync(join(tmpdir(), "hallwatch-inflight-"));
    const received = new Set<string>();

    beforeAll(async () => {
      mosquitto = await startMosquitto({ _aggregator: "agg-secret", [AGENT]: "agent-secret" });
      link = new CuttableLink(mosquitto.port);
      await link.start();
      subscriber = await mqtt.connectAsync(mosquitto.url, {
        username: "_aggregator",
        password: "agg-secret",
        reconnectPeriod: 100,
      });
      subscriber.on("message", (topic, payload) => {
        const { tsMs } = JSON.parse(payload.toString()) as { tsMs: number };
        received.add(`${topic.split("/").at(-1)}@${tsMs}`);
      });
      await subscriber.subscribeAsync(`hallwatch/v1/${HALL}/${AGENT}/telemetry/+`, { qos: 1 });
    });
    afterAll(async () => {
      await agent?.stop();
      await subscriber?.endAsync();
      await link?.stop();
      await mosquitto?.stop();
      rmSync(stateDir, { recursive: true, force: true });
    });

    it("defect 23: every message published while the broker stops is acknowledged or spooled, and arrives", async () => {
      const generated = new Set<string>();
      let generating = true;
      const drivers: DeviceDriver<"kiosk">[] = Array.from({ length: 10 }, (_, i) => ({
        spec: { id: `k${i + 1}`, kind: "kiosk", model: "K", zone: "self-service", reportIntervalSec: 1 },
        read: () => {
          if (!generating) throw new Error("stopped generating");
          return { appOk: true, printerState: "ok", paperPct: 80, cpuPct: 12, memPct: 40, diskPct: 55 };
        },
      }));
      agent = new Agent({
        brokerUrl: link.url,
        hallId: HALL,
        agentId: AGENT,
        password: "agent-secret",
        stateDir,
        drivers,
        sampleIntervalMs: 100,
        reconnect: { initialDelayMs: 200, maxDelayMs: 1000 },
        onGenerated: (m) => {
          if (m.topic.includes("/telemetry/")) generated.add(`${m.topic.split("/").at(-1)}@${m.tsMs}`);
        },
      });
      agent.start();
      await waitFor(() => received.size >= 20, "first telemetry");
      for (let outage = 0; outage < 3; outage++) {
        link.freeze(); // the broker stops answering: publishes go out and no PUBACK comes back
        await sleep(1500);
        link.cut(); // then it is gone
        await sleep(2000);
        link.up(); // and back
        await sleep(2500);
      }
      generating = false;
      const a = agent;
      await waitFor(
        () => a.isConnected && a.spooledMessages === 0 && a.inFlightMessages === 0,
        "agent drained",
        30_000,
      ).catch(() => undefined);
      await sleep(1000);
      const missing = [...generated].filter((m) => !received.has(m));
      expect(generated.size).toBeGreaterThan(100);
      expect({ missing: missing.length, firstMissing: missing.slice(0, 5) }).toEqual({
        missing: 0,
        firstMissing: [],
      });
    }, 120_000);
  },
);
