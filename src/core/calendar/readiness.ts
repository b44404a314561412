import { type DeviceKind, KIND_SPECS } from "../../contract/index.js";
import { type OpeningHours, openIntervals } from "./opening-hours.js";

/** How long before each opening the readiness check runs, by default (PRODUCT.md section 5). */
export const DEFAULT_READINESS_LEAD_MIN = 30;

/**
 * When the pre-opening checks fall in [fromMs, toMs): `leadMin` before each opening (the start of an open period;
 * midnight inside a round-the-clock weekend is not an opening). Poll it with consecutive ranges: each check falls
 * in exactly one of them.
 */
export function readinessCheckTimes(
  hours: OpeningHours,
  leadMin: number,
  fromMs: number,
  toMs: number,
): { checkMs: number; openingMs: number }[] {
  const leadMs = leadMin * 60_000;
  const queryFromMs = fromMs + leadMs - 86_400_000;
  // openIntervals merges ranges that touch, so each start is a real opening — except one clipped by the query.
  return openIntervals(hours, queryFromMs, toMs + leadMs)
    .filter(([startMs]) => startMs > queryFromMs)
    .map(([openingMs]) => ({ checkMs: openingMs - leadMs, openingMs }))
    .filter(({ checkMs }) => checkMs >= fromMs && checkMs < toMs);
}

export interface ReadinessDevice {
  deviceId: string;
  kind: DeviceKind;
  name: string | null;
  zone: string;
  /** Connectivity at the time of the check. */
  connectivity: "online" | "offline" | "unknown";
  /**
   * Whether it must be up once the hall opens (`isWatched(kind, hours, openingMs)` and not in maintenance at
   * opening: `inMaintenance(...)`). Default true.
   */
  mustBeUp?: boolean;
}

export interface ReadinessAlert {
  id: string;
  deviceId: string | null;
  faultType: string;
  severity: string;
  summary: { en: string; zh: string };
}

export interface ReadinessInspection {
  assetId: string;
  dueMs: number;
}

export interface ReadinessReport {
  hallId: string;
  openingMs: number;
  generatedMs: number;
  ready: boolean;
  /** Devices that must be up when the hall opens and are not online now. */
  notReady: ReadinessDevice[];
  openAlerts: ReadinessAlert[];
  /** Fire-equipment inspections due today, as passed in. */
  inspectionsDue: ReadinessInspection[];
}

/**
 * The duty manager's pre-opening report: what is not ready (fire equipment first, then by device id), what is
 * still broken (open alerts as passed in), what must be inspected today. `ready` when nothing is not ready and no
 * alert is open; inspections due do not make a hall "not ready".
 */
export function readinessReport(input: {
  hallId: string;
  openingMs: number;
  generatedMs: number;
  devices: readonly ReadinessDevice[];
  openAlerts: readonly ReadinessAlert[];
  inspectionsDue?: readonly ReadinessInspection[];
}): ReadinessReport {
  // "unknown" is not ready either: at opening the duty manager must see what nobody can vouch for.
  const notReady = input.devices
    .filter((d) => d.mustBeUp !== false && d.connectivity !== "online")
    .sort(
      (a, b) =>
        Number(KIND_SPECS[b.kind].watchedAroundTheClock) - Number(KIND_SPECS[a.kind].watchedAroundTheClock) ||
        a.deviceId.localeCompare(b.deviceId),
    );
  const inspectionsDue = [...(input.inspectionsDue ?? [])].sort(
    (a, b) => a.dueMs - b.dueMs || a.assetId.localeCompare(b.assetId),
  );
  return {
    hallId: input.hallId,
    openingMs: input.openingMs,
    generatedMs: input.generatedMs,
    ready: notReady.length === 0 && input.openAlerts.length === 0,
    notReady,
    openAlerts: [...input.openAlerts],
    inspectionsDue,
  };
}
