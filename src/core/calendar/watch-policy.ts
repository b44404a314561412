import { DEVICE_KINDS, type DeviceKind, KIND_SPECS } from "../../contract/index.js";
import { isOpenAt, type OpeningHours } from "./opening-hours.js";

/** Kinds watched around the clock by default: fire equipment and the hall gateway. */
export const DEFAULT_AROUND_THE_CLOCK: ReadonlySet<DeviceKind> = new Set(
  DEVICE_KINDS.filter((k) => KIND_SPECS[k].watchedAroundTheClock),
);

/**
 * Whether a device must be up now. Kinds watched around the clock always; kiosks, chargers, TVs and queue
 * machines only while their hall is open — a dark TV at night is normal. A hall without opening hours is
 * treated as always open, so nothing goes unwatched by omission.
 */
export function isWatched(
  kind: DeviceKind,
  hours: OpeningHours | null,
  nowMs: number,
  aroundTheClock: ReadonlySet<DeviceKind> = DEFAULT_AROUND_THE_CLOCK,
): boolean {
  if (aroundTheClock.has(kind) || hours === null) return true;
  return isOpenAt(hours, nowMs);
}
