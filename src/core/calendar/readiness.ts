import { type DeviceKind, KIND_SPECS } from "../../contract/index.js";
import { type OpeningHours, openIntervals } from "./opening-hours.js";

/** When the pre-opening checks fall in [fromMs, toMs): `leadMin` before each opening. */
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
  connectivity: "online" | "offline" | "unknown";
}

export interface ReadinessAlert {
  id: string;
  deviceId: string | null;
  faultType: string;
  severity: string;
  summary: { en: string; zh: string };
}

export interface ReadinessReport {
  hallId: string;
  openingMs: number;
  generatedMs: number;
  ready: boolean;
  /** Devices that must be up when the hall opens and are not online now. */
  notReady: ReadinessDevice[];
  openAlerts: ReadinessAlert[];
  /** Fire-equipment inspections due today (filled in once inspections exist). */
  inspectionsDue: { assetId: string; dueMs: number }[];
}

/** The duty manager's pre-opening report: what is not ready, what is still broken, what must be inspected today. */
export function readinessReport(input: {
  hallId: string;
  openingMs: number;
  generatedMs: number;
  devices: readonly ReadinessDevice[];
  openAlerts: readonly ReadinessAlert[];
  inspectionsDue?: readonly { assetId: string; dueMs: number }[];
}): ReadinessReport {
  // Every device must be up once the hall is open: fire equipment always, the rest for opening hours.
  const notReady = input.devices
    .filter((d) => d.connectivity !== "online")
    .sort(
      (a, b) =>
        Number(KIND_SPECS[b.kind].watchedAroundTheClock) - Number(KIND_SPECS[a.kind].watchedAroundTheClock) ||
        a.deviceId.localeCompare(b.deviceId),
    );
  const inspectionsDue = [...(input.inspectionsDue ?? [])];
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
