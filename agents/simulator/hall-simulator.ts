import { join } from "node:path";
import { type Logger, silentLogger } from "../../src/logging.js";
import { createSimDriver, SIM_FAULTS } from "../drivers/sim/index.js";
import { Agent } from "../runtime/agent.js";
import type { SimulatedDriver } from "../runtime/driver.js";
import { SimulatorControlServer } from "./control-server.js";
import { SimulatorError } from "./errors.js";
import type { SimHallLayout } from "./layout.js";

export { SimulatorError, type SimulatorErrorCode } from "./errors.js";

export interface HallSimulatorOptions {
  brokerUrl: string;
  halls: SimHallLayout[];
  /** The secret of each simulated agent (they are real, provisioned agents). */
  credentials?: (agentId: string) => string;
  /** Older name of `credentials` (src/app/demo.ts uses it). */
  password?: (agentId: string) => string;
  /** Each agent keeps its session number and spool under `<stateDir>/<agentId>`. */
  stateDir: string;
  logger?: Logger;
  seed?: number;
  /** Starts the fault-control HTTP server on 127.0.0.1 at this port (0: any free port). */
  controlPort?: number;
  sampleIntervalMs?: number;
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number; random?: () => number };
}

export interface SimulatedDeviceInfo {
  hallId: string;
  agentId: string;
  deviceId: string;
  kind: string;
  faults: readonly string[];
  activeFaults: string[];
}

/** Runs simulated halls; every agent is a real MQTT client with its own credentials and state directory. */
export class HallSimulator {
  private readonly agents = new Map<string, Agent>();
  private readonly drivers = new Map<string, { agent: Agent; driver: SimulatedDriver; hallId: string }>();
  private control: SimulatorControlServer | null = null;
  private controlUrlValue: string | null = null;

  constructor(private readonly options: HallSimulatorOptions) {}

  /** Where the control server listens, once started with `controlPort`. */
  get controlUrl(): string | null {
    return this.controlUrlValue;
  }

  /** Starts every agent (they connect in the background) and the control server if asked for. */
  async start(): Promise<void> {
    const seed = this.options.seed ?? 42;
    const credentials = this.options.credentials ?? this.options.password;
    if (!credentials) throw new Error("HallSimulator needs a credentials callback");
    const logger = this.options.logger ?? silentLogger();
    for (const hall of this.options.halls) {
      for (const spec of hall.agents) {
        const sensors = spec.devices.filter((d) => d.kind === "extinguisher" || d.kind === "hydrant").length;
        const drivers = spec.devices.map((d) => createSimDriver(d, seed, { sensorsExpected: sensors }));
        const agent = new Agent({
          brokerUrl: this.options.brokerUrl,
          hallId: hall.hallId,
          agentId: spec.agentId,
          password: credentials(spec.agentId),
          stateDir: join(this.options.stateDir, spec.agentId),
          drivers,
          logger, // the agent binds its own agentId
          ...(this.options.sampleIntervalMs ? { sampleIntervalMs: this.options.sampleIntervalMs } : {}),
          ...(this.options.reconnect ? { reconnect: this.options.reconnect } : {}),
        });
        this.agents.set(spec.agentId, agent);
        for (const driver of drivers)
          this.drivers.set(`${hall.hallId}/${driver.spec.id}`, { agent, driver, hallId: hall.hallId });
        agent.start();
      }
    }
    if (this.options.controlPort !== undefined) {
      this.control = new SimulatorControlServer(this, this.options.controlPort);
      this.controlUrlValue = await this.control.start();
    }
  }

  /** Stops the control server, then every agent cleanly (retained offline status, reason "shutdown"). */
  async stop(): Promise<void> {
    await this.control?.stop();
    this.control = null;
    this.controlUrlValue = null;
    await Promise.all([...this.agents.values()].map((a) => a.stop()));
    this.agents.clear();
    this.drivers.clear();
  }

  agent(agentId: string): Agent | undefined {
    return this.agents.get(agentId);
  }

  agentIds(): string[] {
    return [...this.agents.keys()];
  }

  get connectedAgents(): number {
    return [...this.agents.values()].filter((a) => a.isConnected).length;
  }

  inject(hallId: string, deviceId: string, fault: string): void {
    const entry = this.entry(hallId, deviceId, fault);
    entry.driver.inject(fault);
    entry.agent.reportSoon(deviceId);
  }

  clear(hallId: string, deviceId: string, fault: string): void {
    const entry = this.entry(hallId, deviceId, fault);
    entry.driver.clear(fault);
    entry.agent.reportSoon(deviceId);
  }

  /** The fault names each device kind understands. */
  static faultNames(): typeof SIM_FAULTS {
    return SIM_FAULTS;
  }

  /** Every simulated device with the faults it knows and those now active. */
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
    if (!agent) throw new SimulatorError("unknown_agent", `no simulated agent ${agentId}`);
    agent.kill();
  }

  /** Cuts an agent's power: its will is published and it stays down until restartAgent(). */
  crashAgent(agentId: string): void {
    const agent = this.agents.get(agentId);
    if (!agent) throw new SimulatorError("unknown_agent", `no simulated agent ${agentId}`);
    agent.crash();
  }

  restartAgent(agentId: string): void {
    const agent = this.agents.get(agentId);
    if (!agent) throw new SimulatorError("unknown_agent", `no simulated agent ${agentId}`);
    agent.start();
  }

  private entry(hallId: string, deviceId: string, fault: string) {
    if (!this.options.halls.some((h) => h.hallId === hallId)) {
      const known = this.options.halls.map((h) => h.hallId);
      throw new SimulatorError(
        "unknown_hall",
        `no simulated hall ${hallId}; known: ${known.slice(0, 10).join(", ")}${known.length > 10 ? ", …" : ""}`,
      );
    }
    const entry = this.drivers.get(`${hallId}/${deviceId}`);
    if (!entry)
      throw new SimulatorError("unknown_device", `no simulated device ${deviceId} in hall ${hallId}`);
    if (!entry.driver.faultNames.includes(fault)) {
      throw new SimulatorError(
        "unknown_fault",
        `unknown fault "${fault}" for ${deviceId} (${entry.driver.spec.kind}); known: ${entry.driver.faultNames.join(", ")}`,
      );
    }
    return entry;
  }
}
