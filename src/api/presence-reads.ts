import type { Aggregator } from "../aggregator/aggregator.js";
import type { AgentState, DeviceState } from "../core/presence/types.js";
import type { PresenceStore } from "../store/presence-store.js";

/**
 * The devices and agents the API shows. One node alone holds them all in memory. A node sharing the halls holds only
 * its own; the others' come from the database, where their owners write them (a change there shows within their
 * flush interval, about a second, plus this view's age).
 */
export interface PresenceReads {
  /** Brings the view up to date for a read: the other nodes' halls reloaded when too old (this node's are in memory). */
  fresh(): Promise<void>;
  device(hallId: string, deviceId: string): DeviceState | undefined;
  allDevices(): Iterable<DeviceState>;
  agent(agentId: string): AgentState | undefined;
  allAgents(): Iterable<AgentState>;
}

/** Every hall is this node's: the aggregator's memory. */
export function localPresenceReads(aggregator: Aggregator): PresenceReads {
  return {
    fresh: async () => {},
    device: (hallId, deviceId) => aggregator.presence.device(hallId, deviceId),
    allDevices: () => aggregator.presence.allDevices(),
    agent: (agentId) => aggregator.presence.agent(agentId),
    allAgents: () => aggregator.presence.allAgents(),
  };
}

/** How old the other halls' copy may be before a read reloads it. */
const DEFAULT_MAX_AGE_MS = 1_000;

/**
 * Shared mode: this node's halls from its aggregator's memory, every other hall from the database, reloaded at most
 * once per `maxAgeMs` and only when the API reads (never in the background). Reads between reloads are served from
 * the last copy, so a request never waits for more than one reload.
 */
export class SharedPresenceReads implements PresenceReads {
  private devices = new Map<string, DeviceState>();
  private agents = new Map<string, AgentState>();
  private loadedAtMs = Number.NEGATIVE_INFINITY;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly aggregator: Aggregator,
    private readonly store: PresenceStore,
    private readonly maxAgeMs = DEFAULT_MAX_AGE_MS,
  ) {}

  async fresh(): Promise<void> {
    if (performance.now() - this.loadedAtMs < this.maxAgeMs) return;
    this.loading ??= this.reload().finally(() => {
      this.loading = null;
    });
    await this.loading;
  }

  private async reload(): Promise<void> {
    const startedMs = performance.now();
    const [devices, agents] = await Promise.all([this.store.loadDevices(), this.store.loadAgents()]);
    this.devices = new Map(devices.map((d) => [`${d.hallId}/${d.deviceId}`, d]));
    this.agents = new Map(agents.map((a) => [a.agentId, a]));
    this.loadedAtMs = startedMs;
  }

  private owns(hallId: string): boolean {
    return this.aggregator.ownedHalls?.has(hallId) ?? true;
  }

  device(hallId: string, deviceId: string): DeviceState | undefined {
    if (this.owns(hallId)) return this.aggregator.presence.device(hallId, deviceId);
    return this.devices.get(`${hallId}/${deviceId}`);
  }

  *allDevices(): Iterable<DeviceState> {
    yield* this.aggregator.presence.allDevices();
    for (const device of this.devices.values()) if (!this.owns(device.hallId)) yield device;
  }

  agent(agentId: string): AgentState | undefined {
    const local = this.aggregator.presence.agent(agentId);
    if (local) return local;
    const stored = this.agents.get(agentId);
    return stored && !this.owns(stored.hallId) ? stored : undefined;
  }

  *allAgents(): Iterable<AgentState> {
    yield* this.aggregator.presence.allAgents();
    for (const agent of this.agents.values()) if (!this.owns(agent.hallId)) yield agent;
  }
}

/** The API's view: the one the server gave (shared mode), else the aggregator's memory. */
export function presenceOf(deps: { aggregator: Aggregator; presence?: PresenceReads }): PresenceReads {
  return deps.presence ?? localPresenceReads(deps.aggregator);
}
