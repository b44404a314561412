import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimDriver } from "../../agents/drivers/sim/index.js";
import { Agent } from "../../agents/runtime/agent.js";
import type { BirthDevice } from "../../src/contract/index.js";
import { createLogger, silentLogger } from "../../src/logging.js";
import { AggregatorHarness } from "../aggregator/harness.js";
import { requireInCi } from "../helpers/external-servers.js";
import { MOSQUITTO, type Mosquitto, startMosquitto } from "../helpers/mosquitto.js";
import { kioskValues, RawAgent } from "../helpers/raw-agent.js";
import { waitFor } from "../helpers/wait.js";

const available = requireInCi(MOSQUITTO, "mosquitto");
const kiosk: BirthDevice = {
  id: "kiosk-1",
  kind: "kiosk",
  model: "K",
  zone: "self-service",
  reportIntervalSec: 1,
};

describe.skipIf(!available)("aggregator against an external Mosquitto broker", () => {
  let mosquitto: Mosquitto;
  let harness: AggregatorHarness;

  beforeAll(async () => {
    mosquitto = await startMosquitto({
      _aggregator: "agg-secret",
      "ext-kiosk-1": "kiosk-secret",
      "ext-kiosk-2": "k2",
      "ext-gateway": "gw-secret",
    });
    harness = new AggregatorHarness(mosquitto.url, { password: "agg-secret" });
    harness.openDb();
    await harness.provision("ext-hall", ["ext-kiosk-1", "ext-kiosk-2", "ext-gateway"]);
    await harness.start();
  });

  afterAll(async () => {
    await harness?.close();
    await mosquitto?.stop();
  });

  it("tracks an agent through birth, telemetry and its last will", async () => {
    const agent = new RawAgent(mosquitto.url, "ext-hall", "ext-kiosk-1", 1, [kiosk], {
      username: "ext-kiosk-1",
      password: "kiosk-secret",
    });
    await agent.connect();
    await agent.online();
    await agent.birth();
    await agent.telemetry("kiosk-1", { ...kioskValues, paperPct: 33 });
    await waitFor(
      async () => (await harness.device("ext-hall", "kiosk-1"))?.values?.paperPct === 33,
      "telemetry",
    );
    agent.kill();
    await waitFor(
      async () => (await harness.device("ext-hall", "kiosk-1"))?.connectivity === "offline",
      "offline",
    );
    expect((await harness.device("ext-hall", "kiosk-1")).connectivityReason).toBe("agent_offline");
  });

  it("is protected by the broker's ACL: an agent cannot publish under another agent's prefix", async () => {
    const rogue = new RawAgent(mosquitto.url, "ext-hall", "ext-kiosk-2", 1, [], {
      username: "ext-kiosk-2",
      password: "k2",
    });
    await rogue.connect();
    // Mosquitto silently drops an unauthorised publish; the aggregator must never see it.
    await rogue.publish("hallwatch/v1/ext-hall/ext-kiosk-1/status", {
      v: 1,
      state: "online",
      session: 99,
      tsMs: 1,
    });
    await new Promise((r) => setTimeout(r, 300));
    expect((await harness.get("/api/agents/ext-kiosk-1")).session).toBe(1);
    await rogue.stop();
  });

  it("runs a real Hallwatch agent through Mosquitto: birth, telemetry, events, will, and reconnection", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "hallwatch-ext-agent-"));
    const agent = new Agent({
      brokerUrl: mosquitto.url,
      hallId: "ext-hall",
      agentId: "ext-gateway",
      password: "gw-secret",
      stateDir,
      logger: process.env.AGENT_DEBUG ? createLogger("debug") : silentLogger(),
      sampleIntervalMs: 100,
      reconnect: { initialDelayMs: 100, maxDelayMs: 300 },
      drivers: [
        createSimDriver({ id: "gw", kind: "gateway", model: "G", zone: "z", reportIntervalSec: 1 }, 1),
        createSimDriver(
          { id: "ext-9", kind: "extinguisher", model: "E", zone: "z", reportIntervalSec: 900 },
          1,
        ),
      ],
    });
    try {
      agent.start();
      await waitFor(
        async () => (await harness.device("ext-hall", "ext-9"))?.values?.present === true,
        "first report",
        10_000,
      );
      const sim = agent.driver("ext-9") as ReturnType<typeof createSimDriver>;
      sim.inject("removed");
      agent.reportSoon("ext-9");
      await waitFor(
        async () => (await harness.device("ext-hall", "ext-9"))?.values?.present === false,
        "removal seen",
      );
      const detail = await harness.device("ext-hall", "ext-9");
      expect(detail.recentEvents.some((e: { type: string }) => e.type === "changed")).toBe(true);
      const sessionBefore = agent.currentSession;
      agent.kill();
      await waitFor(
        async () => (await harness.get("/api/agents/ext-gateway")).session > sessionBefore,
        "new session",
        10_000,
      );
      await waitFor(
        async () => (await harness.device("ext-hall", "gw"))?.connectivity === "online",
        "back online",
        10_000,
      );
      expect(harness.aggregator.stats().lostMessages).toBe(0);
    } finally {
      await agent.stop();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
