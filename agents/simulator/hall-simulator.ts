import { join } from "node:path";
import type { Logger } from "../../src/logging.js";
import { createSimDriver } from "../drivers/sim/index.js";
import { Agent } from "../runtime/agent.js";
import type { SimulatedDriver } from "../runtime/driver.js";
import type { SimHallLayout } from "./layout.js";

export interface HallSimulatorOptions {
  brokerUrl: string;
  halls: SimHallLayout[];
  /** The secret of each simulated agent (they are real, provisioned agents). */
  password: (agentId: string) => string;
  stateDir: string;
  logger: Logger;
  seed?: number;
  sampleIntervalMs?: number;
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
}

export interface SimulatedDeviceInfo {
  hallId: string;
  agentId: string;
  deviceId: string;
  kind: string;
  faults: readonly string[];
  activeFaults: string[];
}

export class SimulatorError extends Error {}

/** Runs simulated halls; every agent is a real MQTT client with its own credentials and state directory. */
export class HallSimulator {
  private readonly agents = new Map<string, Agent>();
  private readonly drivers = new Map<string, { agent: Agent; driver: SimulatedDriver; hallId: string }>();

  constructor(private readonly options: HallSimulatorOptions) {}

  start(): void {
    const seed = this.options.seed ?? 42;
    for (const hall of this.options.halls) {
      for (const spec of hall.agents) {
        const sensors = spec.devices.filter((d) => d.kind === "extinguisher" || d.kind === "hydrant").length;
        const drivers = spec.devices.map((d) => createSimDriver(d, seed, { sensorsExpected: sensors }));
        const agent = new Agent({
          brokerUrl: this.options.brokerUrl,
          hallId: hall.hallId,
          agentId: spec.agentId,
          password: this.options.password(spec.agentId),
          stateDir: join(this.options.stateDir, spec.agentId),
          drivers,
          logger: this.options.logger.child({ agentId: spec.agentId }),
          ...(this.options.sampleIntervalMs ? { sampleIntervalMs: this.options.sampleIntervalMs } : {}),
          ...(this.options.reconnect ? { reconnect: this.options.reconnect } : {}),
        });
        this.agents.set(spec.agentId, agent);
        for (const driver of drivers)
          this.drivers.set(`${hall.hallId}/${driver.spec.id}`, { agent, driver, hallId: hall.hallId });
        agent.start();
      }
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.agents.values()].map((a) => a.stop()));
    this.agents.clear();
    this.drivers.clear();
  }

  agent(agentId: string): Agent | undefined {
    return this.agents.get(agentId);
  }

  get connectedAgents(): number {
    return [...this.agents.values()].filter((a) => a.isConnected).length;
  }

  inject(hallId: string, deviceId: string, fault: string): void {
    const entry = this.entry(hallId, deviceId);
    entry.driver.inject(fault);
    entry.agent.reportSoon(deviceId);
  }

  clear(hallId: string, deviceId: string, fault: string): void {
    const entry = this.entry(hallId, deviceId);
    entry.driver.clear(fault);
    entry.agent.reportSoon(deviceId);
  }

  devices(): SimulatedDeviceInfo[] {
    return [...this.drivers.values()].map(({ agent, driver, hallId }) => ({
      hallId,
      agentId: agent.agentId,
      deviceId: driver.spec.id,
      kind: driver.spec.kind,
      faults: driver.faultNames,
      activeFaults: [...driver.activeFaults],
    }));
  }

  /** Drops an agent's connection without a DISCONNECT, as a crash would; it reconnects by itself later. */
  killAgent(agentId: string): void {
    const agent = this.agents.get(agentId);
    if (!agent) throw new SimulatorError(`no simulated agent ${agentId}`);
    agent.kill();
  }

  /** Cuts an agent's power: its will is published and it stays down until restartAgent(). */
  crashAgent(agentId: string): void {
    const agent = this.agents.get(agentId);
    if (!agent) throw new SimulatorError(`no simulated agent ${agentId}`);
    agent.crash();
  }

  restartAgent(agentId: string): void {
    const agent = this.agents.get(agentId);
    if (!agent) throw new SimulatorError(`no simulated agent ${agentId}`);
    agent.start();
  }

  private entry(hallId: string, deviceId: string) {
    const entry = this.drivers.get(`${hallId}/${deviceId}`);
    if (!entry) throw new SimulatorError(`no simulated device ${deviceId} in hall ${hallId}`);
    return entry;
  }
}
