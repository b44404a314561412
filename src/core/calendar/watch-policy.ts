import { type DeviceKind, KIND_SPECS } from "../../contract/index.js";
import { isOpenAt, type OpeningHours } from "./opening-hours.js";

/**
 * Whether a device must be up now. Fire equipment and the gateway are watched around the clock; kiosks,
 * chargers, TVs and queue machines only while their hall is open — a dark TV at night is normal. A hall
 * without opening hours is treated as always open, so nothing goes unwatched by omission.
 */
export function isWatched(kind: DeviceKind, hours: OpeningHours | null, nowMs: number): boolean {
  if (KIND_SPECS[kind].watchedAroundTheClock || hours === null) return true;
  return isOpenAt(hours, nowMs);
}
