import type { AgentState, DeviceState } from "../core/presence/types.js";

/** The public JSON shape of a device; internal fields never leak into the API by accident. */
export function deviceView(d: DeviceState) {
  return {
    hallId: d.hallId,
    deviceId: d.deviceId,
    agentId: d.agentId,
    kind: d.kind,
    model: d.model,
    zone: d.zone,
    name: d.name,
    reportIntervalSec: d.reportIntervalSec,
    connectivity: d.connectivity,
    connectivitySinceMs: d.connectivitySinceMs,
    connectivityReason: d.connectivityReason,
    lastSeenMs: d.lastSeenMs,
    values: d.values,
    valuesTsMs: d.valuesTsMs,
    clockSkewMs: d.clockSkewMs ?? null,
    retired: d.retired,
  };
}

export function agentView(a: AgentState) {
  return {
    hallId: a.hallId,
    agentId: a.agentId,
    connectivity: a.connectivity,
    connectivitySinceMs: a.connectivitySinceMs,
    session: a.session,
    lostMessages: a.lostMessages,
    duplicateMessages: a.duplicateMessages,
    version: a.version,
    platform: a.platform,
    hostname: a.hostname,
    deviceIds: a.deviceIds,
    lastBirthMs: a.lastBirthMs,
  };
}
