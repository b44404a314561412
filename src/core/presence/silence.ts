import type { DeviceKind } from "../../contract/index.js";

export interface SilencePolicy {
  /** Missed reports before a device counts as silent. */
  missedReports: number;
  /** Floor per kind (seconds), so a chatty device isn't declared offline by a short network hiccup. */
  minTimeoutSecByKind: Partial<Record<DeviceKind, number>>;
  /** Fixed timeout per kind (seconds) overriding the computed one. */
  timeoutSecByKind: Partial<Record<DeviceKind, number>>;
}

export const DEFAULT_SILENCE_POLICY: SilencePolicy = {
  missedReports: 3,
  minTimeoutSecByKind: {},
  timeoutSecByKind: {},
};

const DEFAULT_MIN_TIMEOUT_SEC = 30;

/** How long a device may stay silent before it is offline: 3 missed reports by default, never below 30 s. */
export function silenceTimeoutMs(kind: DeviceKind, reportIntervalSec: number, policy: SilencePolicy): number {
  const fixed = policy.timeoutSecByKind[kind];
  if (fixed !== undefined) return fixed * 1000;
  const floorSec = policy.minTimeoutSecByKind[kind] ?? DEFAULT_MIN_TIMEOUT_SEC;
  return Math.max(floorSec, reportIntervalSec * policy.missedReports) * 1000;
}
