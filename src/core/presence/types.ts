import type { DeviceKind, TelemetryValues } from "../../contract/index.js";

/** "unknown" means the aggregator cannot tell (it lost the broker, or has not heard since it started). */
export type Connectivity = "online" | "offline" | "unknown";

export type ConnectivityReason =
  | "birth"
  | "data"
  | "agent_offline"
  | "agent_shutdown"
  | "silence"
  | "broker_lost"
  /** This node took the device's hall over from another (docs/scale-out.md): unknown until it hears. */
  | "takeover"
  | "retired";

export interface DeviceState {
  hallId: string;
  deviceId: string;
  agentId: string;
  kind: DeviceKind;
  model: string;
  zone: string;
  name: string | null;
  reportIntervalSec: number;
  connectivity: Connectivity;
  connectivitySinceMs: number;
  connectivityReason: ConnectivityReason | null;
  /** Receive time of the last live (non-historical) data message. */
  lastSeenMs: number | null;
  /**
   * Receive time of the latest birth listing the device, or when this node took its hall over: silence is measured
   * from it or the last data, whichever is later. In memory only; after a restart the broker connection is the
   * baseline.
   */
  registeredMs?: number | undefined;
  /** Agent time minus receive time of the latest live message, when beyond the skew threshold (see judgeClock). */
  clockSkewMs?: number | null | undefined;
  values: TelemetryValues | null;
  /** Agent timestamp of `values` (its receive time when the agent's clock was off, see judgeClock). */
  valuesTsMs: number | null;
  /** No longer listed in its agent's birth (or retired by an admin). Kept for history, never raises silence. */
  retired: boolean;
  /** An admin's name and zone: they win over what the agent's births say; null = the birth's. */
  labelName?: string | null | undefined;
  labelZone?: string | null | undefined;
}

export interface AgentState {
  hallId: string;
  agentId: string;
  /** Highest session seen from this agent; statuses and wills of older sessions are ignored. */
  session: number | null;
  connectivity: Connectivity;
  connectivitySinceMs: number;
  /** Last data seq of the current session; null when no baseline is known (after a restart or a retained birth). */
  lastSeq: number | null;
  lostMessages: number;
  duplicateMessages: number;
  version: string | null;
  platform: string | null;
  hostname: string | null;
  deviceIds: string[];
  lastBirthMs: number | null;
}

export type PresenceEffect =
  | {
      type: "device_connectivity";
      device: DeviceState;
      from: Connectivity;
      to: Connectivity;
      reason: ConnectivityReason;
      atMs: number;
    }
  | { type: "agent_connectivity"; agent: AgentState; from: Connectivity; to: Connectivity; atMs: number }
  | { type: "device_registered"; device: DeviceState }
  | { type: "device_retired"; device: DeviceState }
  | { type: "sequence_gap"; agent: AgentState; expectedSeq: number; receivedSeq: number; lost: number }
  | { type: "request_rebirth"; hallId: string; agentId: string; why: string }
  /** A birth listed a device that belongs to another agent: it was left with its owner. */
  | {
      type: "device_conflict";
      hallId: string;
      deviceId: string;
      ownerAgentId: string;
      claimantAgentId: string;
    };

export function deviceKey(hallId: string, deviceId: string): string {
  return `${hallId}/${deviceId}`;
}
