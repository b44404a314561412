import { hostname, platform } from "node:os";
import type { Birth, BirthDevice } from "../../src/contract/index.js";
import type { DeviceSpec } from "./driver.js";

export const AGENT_VERSION = "0.1.0";

/** The birth message: seq 0 of a session, the agent and every device it hosts with its current interval. */
export function buildBirth(input: {
  agentId: string;
  session: number;
  nowMs: number;
  devices: { spec: DeviceSpec; reportIntervalSec: number }[];
}): Birth {
  return {
    v: 1,
    session: input.session,
    seq: 0,
    tsMs: input.nowMs,
    agent: {
      id: input.agentId,
      version: AGENT_VERSION,
      platform: platform().slice(0, 32),
      hostname: hostname().slice(0, 128),
    },
    devices: input.devices.map(
      ({ spec, reportIntervalSec }): BirthDevice => ({
        id: spec.id,
        kind: spec.kind,
        model: spec.model,
        zone: spec.zone,
        reportIntervalSec,
        ...(spec.name ? { name: spec.name } : {}),
      }),
    ),
  };
}

/** The id of a command that failed validation, if one can be read, so it can still be answered. */
export function readCommandId(payload: Uint8Array): string | null {
  try {
    const id = (JSON.parse(Buffer.from(payload).toString("utf8")) as { id?: unknown } | null)?.id;
    return typeof id === "string" && id.length > 0 && id.length <= 64 ? id : null;
  } catch {
    return null;
  }
}
