import type { Aggregator } from "../aggregator/aggregator.js";
import type { AlertService } from "../alerts/alert-service.js";
import type { MaintenanceCalendar } from "../calendar/maintenance-calendar.js";
import type { DeviceKind } from "../contract/index.js";
import { openIntervals } from "../core/calendar/opening-hours.js";
import { DEFAULT_AROUND_THE_CLOCK } from "../core/calendar/watch-policy.js";
import type { DeviceState } from "../core/presence/types.js";
import { type Availability, availability } from "../core/uptime/availability.js";
import type { Interval } from "../core/uptime/intervals.js";
import { type Reliability, reliability } from "../core/uptime/reliability.js";
import type { Halls } from "../store/hall-directory.js";
import { turnTaker } from "../util/turns.js";

export interface UptimeSources {
  aroundTheClockKinds?: ReadonlySet<DeviceKind> | undefined;
  aggregator: Aggregator;
  halls: Halls;
  alerts?: AlertService | undefined;
  maintenance?: MaintenanceCalendar | undefined;
}

export type UptimeRow = {
  hallId: string;
  deviceId: string;
  kind: DeviceState["kind"];
  name: string | null;
  zone: string;
} & Availability &
  Reliability;

const FAILURE_SEVERITIES = new Set(["critical", "major", "minor"]);

/** When a device must be up within a range: opening hours, or the whole range for fire equipment and gateways. */
export function expectedIntervals(
  halls: Halls,
  device: DeviceState,
  fromMs: number,
  toMs: number,
  aroundTheClock: ReadonlySet<DeviceKind> = DEFAULT_AROUND_THE_CLOCK,
): Interval[] {
  const hours = halls.openingHours(device.hallId);
  if (aroundTheClock.has(device.kind) || hours === null) return [[fromMs, toMs]];
  return openIntervals(hours, fromMs, toMs);
}

export async function deviceAvailability(
  src: UptimeSources,
  device: DeviceState,
  fromMs: number,
  toMs: number,
  nowMs: number,
): Promise<Availability> {
  const history = await src.aggregator.history.connectivityHistory(
    device.hallId,
    device.deviceId,
    fromMs,
    toMs,
  );
  const maintenance = src.maintenance?.intervals(device, fromMs, toMs) ?? [];
  return availability(
    history,
    expectedIntervals(src.halls, device, fromMs, toMs, src.aroundTheClockKinds),
    maintenance,
    fromMs,
    toMs,
    nowMs,
  );
}

/** Uptime, MTBF and MTTR of each device over a range (the figures of GET /api/uptime and of the reports). */
export async function uptimeRows(
  src: UptimeSources,
  devices: readonly DeviceState[],
  fromMs: number,
  toMs: number,
  nowMs: number,
): Promise<UptimeRow[]> {
  const rows: UptimeRow[] = [];
  const yieldNow = turnTaker();
  for (const d of devices) {
    await yieldNow();
    const figures = await deviceAvailability(src, d, fromMs, toMs, nowMs);
    const faults = src.alerts
      ? (
          await src.alerts.list({
            hallIds: [d.hallId],
            deviceId: d.deviceId,
            fromMs,
            toMs,
            limit: 10_000,
            offset: 0,
          })
        ).items
          .filter((a) => FAILURE_SEVERITIES.has(a.severity))
          .map((a) => ({ openedMs: a.openedMs, resolvedMs: a.resolved?.atMs ?? null }))
      : [];
    rows.push({
      hallId: d.hallId,
      deviceId: d.deviceId,
      kind: d.kind,
      name: d.name,
      zone: d.zone,
      ...figures,
      // Overlapping faults are one failure; a failure counts in the range where it began (docs/uptime.md).
      ...reliability(faults, fromMs, toMs, figures.upMs),
    });
  }
  return rows;
}

/**
 * A device's availability in each of `ranges` (consecutive, within one range): its history, expected and
 * maintenance intervals are read once for the whole span; the figures equal deviceAvailability() per range.
 */
export async function deviceAvailabilityPerRange(
  src: UptimeSources,
  device: DeviceState,
  ranges: readonly { startMs: number; endMs: number }[],
  nowMs: number,
): Promise<Availability[]> {
  const fromMs = ranges[0]?.startMs ?? 0;
  const toMs = ranges[ranges.length - 1]?.endMs ?? 0;
  const history = await src.aggregator.history.connectivityHistory(
    device.hallId,
    device.deviceId,
    fromMs,
    toMs,
  );
  const maintenance = src.maintenance?.intervals(device, fromMs, toMs) ?? [];
  const expected = expectedIntervals(src.halls, device, fromMs, toMs, src.aroundTheClockKinds);
  return ranges.map((r) => {
    const overlapping = history.filter(
      (s) => s.startMs < r.endMs && (s.endMs === null || s.endMs > r.startMs),
    );
    return availability(overlapping, expected, maintenance, r.startMs, r.endMs, nowMs);
  });
}
