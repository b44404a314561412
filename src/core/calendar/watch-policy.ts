import { DEVICE_KINDS, type DeviceKind, KIND_SPECS } from "../../contract/index.js";
import { type Interval, subtract } from "../uptime/intervals.js";
import { type MaintenanceTarget, type MaintenanceWindow, maintenanceIntervals } from "./maintenance.js";
import type { OpenStateCache } from "./open-state-cache.js";
import { isOpenAt, type OpeningHours, openIntervals } from "./opening-hours.js";

/**
 * The per-kind watch policy: the kinds that must be up around the clock. Every other kind must be up only while
 * its hall is open. Configurable (config `alerts.aroundTheClockKinds`); pass the same set to every function here.
 */
export type AroundTheClockKinds = ReadonlySet<DeviceKind>;

/** Kinds watched around the clock by default: fire equipment and the hall gateway. */
export const DEFAULT_AROUND_THE_CLOCK: AroundTheClockKinds = new Set(
  DEVICE_KINDS.filter((k) => KIND_SPECS[k].watchedAroundTheClock),
);

/**
 * Whether a device must be up at `atMs`. Kinds watched around the clock always; kiosks, chargers, TVs and queue
 * machines only while their hall is open — a dark TV at night is normal. A hall without opening hours (null) is
 * treated as always open, so nothing goes unwatched by omission. Maintenance is not considered here (see
 * {@link expectedUpIntervals}).
 */
export function isWatched(
  kind: DeviceKind,
  hours: OpeningHours | null,
  atMs: number,
  aroundTheClock: AroundTheClockKinds = DEFAULT_AROUND_THE_CLOCK,
  /** Per reading, the schedule's cached open state: the calendar is slow to ask. */
  cache?: OpenStateCache,
): boolean {
  if (aroundTheClock.has(kind) || hours === null) return true;
  return cache ? cache.isOpenAt(hours, atMs) : isOpenAt(hours, atMs);
}

/** The periods of [fromMs, toMs) in which a device of this kind must be up, maintenance not yet removed. */
export function watchedIntervals(
  kind: DeviceKind,
  hours: OpeningHours | null,
  fromMs: number,
  toMs: number,
  aroundTheClock: AroundTheClockKinds = DEFAULT_AROUND_THE_CLOCK,
): Interval[] {
  if (toMs <= fromMs) return [];
  if (aroundTheClock.has(kind) || hours === null) return [[fromMs, toMs]];
  return openIntervals(hours, fromMs, toMs);
}

export interface ExpectedUp {
  /** Time the device must be up by its kind's policy: opening hours, or the whole range. */
  watched: Interval[];
  /** The device's maintenance periods within the range (whether or not they fall in watched time). */
  maintenance: Interval[];
  /** Watched minus maintenance: the time availability is measured against. */
  expected: Interval[];
}

/**
 * When a device should have been up within [fromMs, toMs): watched time minus its maintenance windows. Windows are
 * read in the hall's time zone: `hours.timeZone`, or `options.timeZone` for a hall without opening hours.
 * Feed `watched` and `maintenance` (not `expected`) to `availability()`, which reports maintenance time apart.
 */
export function expectedUpIntervals(
  device: MaintenanceTarget,
  hours: OpeningHours | null,
  windows: readonly MaintenanceWindow[],
  fromMs: number,
  toMs: number,
  options: { aroundTheClock?: AroundTheClockKinds; timeZone?: string } = {},
): ExpectedUp {
  const timeZone = hours?.timeZone ?? options.timeZone ?? "Asia/Shanghai";
  const maintenance = maintenanceIntervals(windows, device, timeZone, fromMs, toMs);
  const watched = watchedIntervals(device.kind, hours, fromMs, toMs, options.aroundTheClock);
  return { watched, maintenance, expected: subtract(watched, maintenance) };
}
