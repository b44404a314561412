import type { DeviceKind } from "../../contract/index.js";
import type { Connectivity, ConnectivityReason } from "../presence/types.js";

export interface HallDeviceInput {
  deviceId: string;
  agentId: string;
  kind: DeviceKind;
  connectivity: Connectivity;
  reason: ConnectivityReason | null;
  /** Expected up now (opening hours, or around the clock for fire equipment and the gateway). */
  watched: boolean;
  /** Already down when the hall opened: "not ready" rather than "went offline". */
  notReadyAtOpening?: boolean;
}

export interface HallConnectivityInput {
  hallId: string;
  devices: readonly HallDeviceInput[];
  agentConnectivity: ReadonlyMap<string, Connectivity>;
  /** The gateway is alive but says its uplink is down (its uplink_down fault is active). */
  uplinkDown: boolean;
}

export type ConnectivityFault = "offline" | "not_ready" | "agent_offline" | "gateway_down";

/** A connectivity fault that should be active now. `key` is stable for one alert per subject and fault. */
export interface ConnectivityCondition {
  key: string;
  faultType: ConnectivityFault;
  deviceId: string | null;
  agentId: string | null;
  kind: DeviceKind | null;
  affected: string[];
}

export interface HallConnectivityVerdict {
  conditions: ConnectivityCondition[];
  /** While the uplink is down, offline devices are attached to the gateway's uplink_down alert instead. */
  attachToUplinkAlert: { deviceId: string; affected: string[] } | null;
  /** Devices the aggregator cannot see now: alerts involving them neither open nor close. */
  unknownDevices: Set<string>;
}

export const conditionKey = {
  device: (hallId: string, deviceId: string) => `${hallId}/device/${deviceId}/offline`,
  notReady: (hallId: string, deviceId: string) => `${hallId}/device/${deviceId}/not_ready`,
  agent: (hallId: string, agentId: string) => `${hallId}/agent/${agentId}/agent_offline`,
  gateway: (hallId: string) => `${hallId}/gateway_down`,
};

/**
 * Decides which connectivity faults a hall has, with dependencies: when its gateway is down (offline, or
 * alive with its uplink down) the hall's device-offline faults are folded into that one gateway fault;
 * when an agent dies, its devices are listed under one agent fault instead of one fault each.
 */
export function hallConnectivity(input: HallConnectivityInput): HallConnectivityVerdict {
  const { hallId } = input;
  const unknownDevices = new Set(
    input.devices.filter((d) => d.connectivity === "unknown").map((d) => d.deviceId),
  );
  const down = input.devices.filter(
    (d) => d.connectivity === "offline" && d.watched && d.reason !== "retired",
  );
  const gateway = input.devices.find((d) => d.kind === "gateway");
  const gatewayOffline = gateway !== undefined && gateway.connectivity === "offline";

  if (gateway && gatewayOffline) {
    const affected = down.filter((d) => d.deviceId !== gateway.deviceId).map((d) => d.deviceId);
    return {
      conditions: [
        {
          key: conditionKey.gateway(hallId),
          faultType: "gateway_down",
          deviceId: gateway.deviceId,
          agentId: gateway.agentId,
          kind: "gateway",
          affected,
        },
      ],
      attachToUplinkAlert: null,
      unknownDevices,
    };
  }
  if (gateway && input.uplinkDown) {
    return {
      conditions: [],
      attachToUplinkAlert: { deviceId: gateway.deviceId, affected: down.map((d) => d.deviceId) },
      unknownDevices,
    };
  }

  const conditions: ConnectivityCondition[] = [];
  const byAgent = new Map<string, string[]>();
  for (const device of down) {
    if (device.notReadyAtOpening) {
      // Switched off (or never switched on) before opening: the duty manager's "not ready" list, one per device.
      conditions.push({
        key: conditionKey.notReady(hallId, device.deviceId),
        faultType: "not_ready",
        deviceId: device.deviceId,
        agentId: device.agentId,
        kind: device.kind,
        affected: [device.deviceId],
      });
    } else if (input.agentConnectivity.get(device.agentId) === "offline") {
      byAgent.set(device.agentId, [...(byAgent.get(device.agentId) ?? []), device.deviceId]);
    } else {
      conditions.push({
        key: conditionKey.device(hallId, device.deviceId),
        faultType: "offline",
        deviceId: device.deviceId,
        agentId: device.agentId,
        kind: device.kind,
        affected: [device.deviceId],
      });
    }
  }
  for (const [agentId, affected] of byAgent) {
    const only = affected.length === 1 ? input.devices.find((d) => d.deviceId === affected[0]) : undefined;
    conditions.push({
      key: conditionKey.agent(hallId, agentId),
      faultType: "agent_offline",
      deviceId: only?.deviceId ?? null,
      agentId,
      kind: only?.kind ?? null,
      affected: affected.sort(),
    });
  }
  return { conditions, attachToUplinkAlert: null, unknownDevices };
}
