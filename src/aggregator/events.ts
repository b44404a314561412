import type { CommandReply, DeviceEvent, TelemetryEnvelope, TelemetryValues } from "../contract/index.js";
import type { AgentState, Connectivity, ConnectivityReason, DeviceState } from "../core/presence/types.js";
import type { ClockSkewChange } from "./clock-watch.js";

/** What the aggregator tells the rest of Hallwatch (fault engine, console, sinks). */
export interface AggregatorEvents {
  telemetry: {
    device: DeviceState;
    values: TelemetryValues;
    envelope: TelemetryEnvelope;
    receivedMs: number;
    /**
     * When it happened, as best known: the agent's time, except for a live message from a skewed clock, which
     * is stored at its receive time. Absent: the agent's time.
     */
    pointTimeMs?: number;
  };
  device_event: { device: DeviceState; event: DeviceEvent; receivedMs: number };
  device_connectivity: {
    device: DeviceState;
    from: Connectivity;
    to: Connectivity;
    reason: ConnectivityReason;
    atMs: number;
  };
  agent_connectivity: { agent: AgentState; from: Connectivity; to: Connectivity; atMs: number };
  broker_connection: { connected: boolean; atMs: number };
  /** An agent's clock skew has persisted (`skewMs`), or is gone (`skewMs` null). */
  clock_skew: ClockSkewChange;
  /** An agent answered a command (matched to its request by `reply.id`). */
  command_reply: { hallId: string; agentId: string; reply: CommandReply; receivedMs: number };
  /** An agent claimed (in a birth) another agent's device; the claim was refused and dead-lettered. */
  device_conflict: {
    hallId: string;
    deviceId: string;
    ownerAgentId: string;
    claimantAgentId: string;
    atMs: number;
  };
}
