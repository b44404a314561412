import { join } from "node:path";
import { SimulatorControlServer } from "../../agents/simulator/control-server.js";
import { HallSimulator } from "../../agents/simulator/hall-simulator.js";
import { demoHallLayout } from "../../agents/simulator/layout.js";
import type { HallwatchConfig } from "../config/config.js";
import { ensureDemoAgentSecrets } from "./demo-credentials.js";
import type { DemoSimulator, ServerParts } from "./server.js";

/** The simulated demo hall of the embedded default: provisioned like any hall, its agents real MQTT clients. */
export const createDemo: NonNullable<ServerParts["createDemo"]> = async (
  config: HallwatchConfig,
  { halls, credentials, brokerUrl, logger },
) => {
  const hallId = config.demo.hallId;
  if (!halls.get(hallId))
    halls.upsert({ id: hallId, name: "演示营业厅 Demo hall", timeZone: "Asia/Shanghai" });
  const layout = demoHallLayout(hallId);
  const secrets = await ensureDemoAgentSecrets(
    config.dataDir,
    hallId,
    layout.agents.map((a) => a.agentId),
    credentials,
  );
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
  const demo: DemoSimulator & { simulator: HallSimulator } = {
    simulator,
    get controlUrl() {
      return controlUrl;
    },
    async start() {
      simulator.start();
      controlUrl = await control.start();
    },
    async stop() {
      await control.stop();
      await simulator.stop();
    },
  };
  return demo;
};
