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

/** A condition that still holds but is represented by its cause's alert (`causeKey`). */
export interface SuppressedCondition extends ConnectivityCondition {
  causeKey: string;
}

export interface HallConnectivityVerdict {
  conditions: ConnectivityCondition[];
  /**
   * Device and agent conditions folded into a cause (a dead agent, the gateway down, the uplink down). Their own
   * alerts must not open; one already open must stay open, linked to `causeKey`, rather than be resolved as
   * "back online": the device is still down, and resolving it would reopen it as flapping when the cause clears.
   */
  suppressed: SuppressedCondition[];
  /**
   * While the uplink is down, offline devices are folded into the gateway's uplink_down alert, which lists every
   * device of the hall behind the gateway as affected.
   */
  attachToUplinkAlert: { deviceId: string; affected: string[] } | null;
  /** Devices the aggregator cannot see now: alerts involving them neither open nor close. */
  unknownDevices: Set<string>;
}

export const conditionKey = {
  device: (hallId: string, deviceId: string) => `${hallId}/device/${deviceId}/offline`,
  /** A value fault of one device, e.g. the gateway's uplink_down. */
  deviceFault: (hallId: string, deviceId: string, faultType: string) =>
    `${hallId}/device/${deviceId}/${faultType}`,
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
  const behindGateway = foldDevices(
    input,
    down.filter((d) => d.deviceId !== gateway?.deviceId),
  );
  const under = (causeKey: string, conditions: ConnectivityCondition[]) =>
    conditions.map((c) => ({ ...c, causeKey }));

  if (gateway && gatewayOffline) {
    const causeKey = conditionKey.gateway(hallId);
    return {
      conditions: [
        {
          key: causeKey,
          faultType: "gateway_down",
          deviceId: gateway.deviceId,
          agentId: gateway.agentId,
          kind: "gateway",
          affected: behindGateway.affected,
        },
      ],
      suppressed: under(causeKey, [...behindGateway.conditions, ...behindGateway.suppressed]),
      attachToUplinkAlert: null,
      unknownDevices,
    };
  }
  if (gateway && input.uplinkDown) {
    const causeKey = conditionKey.deviceFault(hallId, gateway.deviceId, "uplink_down");
    return {
      conditions: [],
      suppressed: under(causeKey, [...behindGateway.conditions, ...behindGateway.suppressed]),
      // The uplink is the whole hall's: every device behind the gateway is cut off, whether it is online or not.
      attachToUplinkAlert: { deviceId: gateway.deviceId, affected: behindUplink(input, gateway.deviceId) },
      unknownDevices,
    };
  }
  const all = foldDevices(input, down);
  return {
    conditions: all.conditions,
    suppressed: all.suppressed,
    attachToUplinkAlert: null,
    unknownDevices,
  };
}

/** The hall's devices behind its gateway (all but the gateway itself and retired ones), sorted. */
function behindUplink(input: HallConnectivityInput, gatewayId: string): string[] {
  return input.devices
    .filter((d) => d.deviceId !== gatewayId && d.reason !== "retired")
    .map((d) => d.deviceId)
    .sort();
}

/** Per-device conditions, with the devices of a dead agent folded into one agent condition. */
function foldDevices(
  input: HallConnectivityInput,
  down: readonly HallDeviceInput[],
): { conditions: ConnectivityCondition[]; suppressed: SuppressedCondition[]; affected: string[] } {
  const { hallId } = input;
  const conditions: ConnectivityCondition[] = [];
  const suppressed: SuppressedCondition[] = [];
  const byAgent = new Map<string, HallDeviceInput[]>();
  const own = (device: HallDeviceInput, faultType: "offline" | "not_ready"): ConnectivityCondition => ({
    key:
      faultType === "offline"
        ? conditionKey.device(hallId, device.deviceId)
        : conditionKey.notReady(hallId, device.deviceId),
    faultType,
    deviceId: device.deviceId,
    agentId: device.agentId,
    kind: device.kind,
    affected: [device.deviceId],
  });
  for (const device of down) {
    if (device.notReadyAtOpening) {
      // Switched off (or never switched on) before opening: the duty manager's "not ready" list, one per device.
      conditions.push(own(device, "not_ready"));
    } else if (input.agentConnectivity.get(device.agentId) === "offline") {
      byAgent.set(device.agentId, [...(byAgent.get(device.agentId) ?? []), device]);
    } else {
      conditions.push(own(device, "offline"));
    }
  }
  for (const [agentId, devices] of byAgent) {
    const only = devices.length === 1 ? devices[0] : undefined;
    const key = conditionKey.agent(hallId, agentId);
    conditions.push({
      key,
      faultType: "agent_offline",
      deviceId: only?.deviceId ?? null,
      agentId,
      kind: only?.kind ?? null,
      affected: devices.map((d) => d.deviceId).sort(),
    });
    for (const device of devices) suppressed.push({ ...own(device, "offline"), causeKey: key });
  }
  return { conditions, suppressed, affected: down.map((d) => d.deviceId).sort() };
}
