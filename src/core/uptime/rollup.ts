import type { DeviceKind } from "../../contract/index.js";
import { type Availability, availability, type StateSpan, sumAvailability } from "./availability.js";
import { type Bucket, type BucketUnit, calendarBuckets } from "./buckets.js";
import type { Interval } from "./intervals.js";
import { type FaultPeriod, type Reliability, reliability, sumReliability } from "./reliability.js";

/** What one device's figures are computed from, over a range that covers every bucket asked for. */
export interface DeviceUptimeInput {
  hallId: string;
  deviceId: string;
  kind: DeviceKind;
  /** Its connectivity intervals overlapping the range (the aggregator's `ConnectivityInterval`s). */
  history: readonly StateSpan[];
  /** From `expectedUpIntervals(...)`: `watched` and `maintenance` over the range. */
  watched: readonly Interval[];
  maintenance: readonly Interval[];
  /** Its failure-class faults overlapping the range (see `reliability`). */
  faults: readonly FaultPeriod[];
}

export type UptimeFigures = Availability & Reliability;

export interface DeviceUptime extends UptimeFigures {
  hallId: string;
  deviceId: string;
  kind: DeviceKind;
}

export interface UptimeRollUp {
  fromMs: number;
  toMs: number;
  devices: DeviceUptime[];
  /** Sums over the devices of each kind, and of each hall; ratios and means recomputed from the sums. */
  byKind: Partial<Record<DeviceKind, UptimeFigures>>;
  byHall: Record<string, UptimeFigures>;
  total: UptimeFigures;
}

export function deviceUptime(
  input: DeviceUptimeInput,
  fromMs: number,
  toMs: number,
  nowMs: number,
): DeviceUptime {
  const a = availability(input.history, input.watched, input.maintenance, fromMs, toMs, nowMs);
  return {
    hallId: input.hallId,
    deviceId: input.deviceId,
    kind: input.kind,
    ...a,
    ...reliability(input.faults, fromMs, toMs, a.upMs),
  };
}

export function sumFigures(items: readonly UptimeFigures[]): UptimeFigures {
  const a = sumAvailability(items);
  return { ...a, ...sumReliability(items, a.upMs) };
}

function groupBy<K extends string>(rows: readonly DeviceUptime[], key: (r: DeviceUptime) => K) {
  const groups = new Map<K, DeviceUptime[]>();
  for (const r of rows) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  return Object.fromEntries([...groups].map(([k, items]) => [k, sumFigures(items)])) as Record<
    K,
    UptimeFigures
  >;
}

/** Per device, kind and hall figures over any range [fromMs, toMs). */
export function rollUp(
  devices: readonly DeviceUptimeInput[],
  fromMs: number,
  toMs: number,
  nowMs: number,
): UptimeRollUp {
  const rows = devices.map((d) => deviceUptime(d, fromMs, toMs, nowMs));
  return {
    fromMs,
    toMs,
    devices: rows,
    byKind: groupBy(rows, (r) => r.kind),
    byHall: groupBy(rows, (r) => r.hallId),
    total: sumFigures(rows),
  };
}

/**
 * The roll-up of each local day, week (Monday start) or month of [fromMs, toMs), in the given time zone — the
 * hall's. Use it for one hall at a time: halls in different time zones have different day boundaries.
 */
export function rollUpByBucket(
  devices: readonly DeviceUptimeInput[],
  timeZone: string,
  unit: BucketUnit,
  fromMs: number,
  toMs: number,
  nowMs: number,
): (Bucket & UptimeRollUp)[] {
  return calendarBuckets(timeZone, unit, fromMs, toMs).map((b) => ({
    ...rollUp(devices, b.startMs, b.endMs, nowMs),
    ...b,
  }));
}
