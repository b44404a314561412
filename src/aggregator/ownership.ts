import type { PresenceEffect } from "../core/presence/types.js";

/** Why a device move was refused: `not_found` (no such device) or `invalid` (the target agent). */
export class DeviceMoveError extends Error {
  constructor(
    readonly code: "not_found" | "invalid",
    message: string,
  ) {
    super(message);
  }
}

/** The dead letter's detail for a birth that claimed other agents' devices, or null when it claimed none. */
export function conflictsIn(effects: readonly PresenceEffect[]): string | null {
  const claims: string[] = [];
  for (const e of effects)
    if (e.type === "device_conflict") claims.push(`${e.deviceId} belongs to agent ${e.ownerAgentId}`);
  return claims.length === 0
    ? null
    : `birth lists other agents' devices (left with them): ${claims.join("; ")}`;
}

/** The dead letter's detail for a data message that was refused. */
export function dataRejection(
  reason: "unknown_device" | "device_conflict",
  hallId: string,
  agentId: string,
  deviceId: string,
): string {
  return reason === "device_conflict"
    ? `device ${deviceId} of hall ${hallId} belongs to another agent than ${agentId}`
    : `device ${deviceId} is not in agent ${agentId}'s birth`;
}
