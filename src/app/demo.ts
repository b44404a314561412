import { join } from "node:path";
import { SimulatorControlServer } from "../../agents/simulator/control-server.js";
import { HallSimulator } from "../../agents/simulator/hall-simulator.js";
import { demoHallLayout } from "../../agents/simulator/layout.js";
import type { HallwatchConfig } from "../config/config.js";
import { type AgentConnectionProblem, brokerAddress, probeAgents } from "./demo-connections.js";
import { ensureDemoAgentSecrets } from "./demo-credentials.js";
import { DEMO_HALL_NAME } from "./demo-mosquitto.js";
import type { DemoSimulator, ServerParts } from "./server.js";

/** A demo agent disconnected this long without a break is reported by /api/health. */
const CONNECT_GRACE_MS = 30_000;
const SAMPLE_MS = 5_000;

/**
 * The simulated demo hall: provisioned like any hall, its agents real MQTT clients. On an external broker its
 * agents must also exist there (docs/full-stack.md): each is logged in once first, and if the broker refuses
 * any, the demo does not start; the error says how to provision them, and /api/health lists them.
 */
export const createDemo: NonNullable<ServerParts["createDemo"]> = async (
  config: HallwatchConfig,
  { halls, credentials, brokerUrl, logger },
) => {
  const hallId = config.demo.hallId;
  if (!halls.get(hallId)) await halls.upsert({ id: hallId, name: DEMO_HALL_NAME, timeZone: "Asia/Shanghai" });
  const layout = demoHallLayout(hallId);
  const secrets = await ensureDemoAgentSecrets(
    config.dataDir,
    hallId,
    layout.agents.map((a) => a.agentId),
    credentials,
  );
  const nowMs = () => Date.now();
  let refused: AgentConnectionProblem[] = [];
  if (config.mqtt.brokerUrl) {
    refused = await probeAgents(brokerUrl, hallId, secrets);
    if (refused.length > 0) {
      logger.error(
        { broker: brokerAddress(brokerUrl), refused: refused.map((r) => r.agentId) },
        `demo hall not started: the external broker refused ${refused.length} of ${secrets.size} demo agents ` +
          `(${refused[0]?.error}). Provision them on the broker: npm run hallwatch -- demo-agents --mosquitto-passwd ` +
          "<Mosquitto password file>, reload Mosquitto and restart Hallwatch (docs/full-stack.md), or turn the demo off " +
          "(HALLWATCH_DEMO=false)",
      );
    }
  }
  const simulator = new HallSimulator({
    brokerUrl,
    halls: [layout],
    password: (agentId) => secrets.get(agentId) ?? "",
    stateDir: join(config.dataDir, "demo-agents"),
    logger,
    seed: config.demo.seed,
  });
  const control = new SimulatorControlServer(simulator, config.demo.controlPort);
  let controlUrl: string | null = null;
  let startedMs: number | null = null;
  /** agentId → since when it has been seen disconnected (sampled every SAMPLE_MS). */
  const disconnectedSince = new Map<string, number>();
  const sample = () => {
    for (const agentId of simulator.agentIds()) {
      if (simulator.agent(agentId)?.isConnected === true) disconnectedSince.delete(agentId);
      else if (!disconnectedSince.has(agentId)) disconnectedSince.set(agentId, nowMs());
    }
  };
  let sampler: NodeJS.Timeout | null = null;
  const demo: DemoSimulator & { simulator: HallSimulator } = {
    simulator,
    get controlUrl() {
      return controlUrl;
    },
    async start() {
      if (refused.length > 0) return;
      startedMs = nowMs();
      simulator.start();
      controlUrl = await control.start();
      sample();
      sampler = setInterval(sample, SAMPLE_MS);
      sampler.unref();
    },
    async stop() {
      if (startedMs === null) return;
      if (sampler) clearInterval(sampler);
      sampler = null;
      await control.stop();
      await simulator.stop();
    },
    connectionProblems() {
      if (refused.length > 0) return refused;
      if (startedMs === null) return [];
      sample();
      return [...disconnectedSince]
        .filter(([, sinceMs]) => nowMs() - sinceMs >= CONNECT_GRACE_MS)
        .map(([agentId, sinceMs]) => ({
          hallId,
          agentId,
          error: `not connected to the broker for ${Math.round((nowMs() - sinceMs) / 1000)} s`,
        }));
    },
  };
  return demo;
};
