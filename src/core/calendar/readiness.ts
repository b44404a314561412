import { DateTime } from "luxon";
import { type DeviceKind, KIND_SPECS } from "../../contract/index.js";
import { makesUnusable } from "../alerts/unusable.js";
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

/** Why a device is not ready: it is not online, or an open fault takes it out of service (`UNUSABLE_FAULTS`). */
export type NotReadyReason =
  | { type: "offline" | "unknown" }
  | { type: "fault"; alertId: string; faultType: string; summary: { en: string; zh: string } };

export interface NotReadyDevice extends ReadinessDevice {
  reasons: NotReadyReason[];
}

export interface ReadinessReport {
  hallId: string;
  /** The hall's time zone: `openingLocal` is in it. */
  timeZone: string;
  openingMs: number;
  /** The opening as the hall's clocks show it, `yyyy-MM-ddTHH:mm`. */
  openingLocal: string;
  generatedMs: number;
  ready: boolean;
  /** The verdict in one line, with why (what the notice and the console show first). */
  verdict: { en: string; zh: string };
  /** Devices that must be up when the hall opens and are not online now, or are out of service by a fault. */
  notReady: NotReadyDevice[];
  openAlerts: ReadinessAlert[];
  /** Fire-equipment inspections due today, as passed in. */
  inspectionsDue: ReadinessInspection[];
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function verdictOf(
  devices: number,
  notReady: number,
  openFaults: number,
  inspections: number,
): { en: string; zh: string } {
  const ready = notReady === 0 && openFaults === 0;
  const en = ready
    ? [`ready: ${devices === 1 ? "the device is" : `all ${devices} devices are`} up, no open fault`]
    : [
        `NOT ready: ${[
          ...(notReady > 0 ? [`${plural(notReady, "device", "devices")} not ready`] : []),
          ...(openFaults > 0 ? [`${plural(openFaults, "open fault", "open faults")}`] : []),
        ].join(", ")}`,
      ];
  const zh = ready
    ? [`已就绪：${devices} 台设备全部正常，无未处理故障`]
    : [
        `未就绪：${[
          ...(notReady > 0 ? [`${notReady} 台设备未就绪`] : []),
          ...(openFaults > 0 ? [`${openFaults} 个未处理故障`] : []),
        ].join("，")}`,
      ];
  if (inspections > 0) {
    en.push(`${plural(inspections, "inspection", "inspections")} due today`);
    zh.push(`今日 ${inspections} 项消防检查到期`);
  }
  return { en: en.join("; "), zh: zh.join("；") };
}

/**
 * The duty manager's pre-opening report: what is not ready (fire equipment first, then by device id) and why,
 * what is still broken (open alerts as passed in), what must be inspected today, and when the hall opens in its
 * own zone. `ready` when nothing is not ready and no alert is open; inspections due do not make a hall "not ready".
 */
export function readinessReport(input: {
  hallId: string;
  /** The hall's IANA zone (default Asia/Shanghai, as a hall's default). */
  timeZone?: string;
  openingMs: number;
  generatedMs: number;
  devices: readonly ReadinessDevice[];
  openAlerts: readonly ReadinessAlert[];
  inspectionsDue?: readonly ReadinessInspection[];
}): ReadinessReport {
  const timeZone = input.timeZone ?? "Asia/Shanghai";
  const faultsByDevice = new Map<string, ReadinessAlert[]>();
  for (const a of input.openAlerts) {
    if (a.deviceId === null) continue;
    faultsByDevice.set(a.deviceId, [...(faultsByDevice.get(a.deviceId) ?? []), a]);
  }
  // "unknown" is not ready either: at opening the duty manager must see what nobody can vouch for.
  const notReady = input.devices
    .filter((d) => d.mustBeUp !== false)
    .map((d): NotReadyDevice => {
      const reasons: NotReadyReason[] = [];
      if (d.connectivity !== "online") reasons.push({ type: d.connectivity });
      for (const a of faultsByDevice.get(d.deviceId) ?? []) {
        if (makesUnusable(d.kind, a.faultType))
          reasons.push({ type: "fault", alertId: a.id, faultType: a.faultType, summary: a.summary });
      }
      return { ...d, reasons };
    })
    .filter((d) => d.reasons.length > 0)
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
    timeZone,
    openingMs: input.openingMs,
    openingLocal: DateTime.fromMillis(input.openingMs, { zone: timeZone }).toFormat("yyyy-MM-dd'T'HH:mm"),
    generatedMs: input.generatedMs,
    ready: notReady.length === 0 && input.openAlerts.length === 0,
    verdict: verdictOf(input.devices.length, notReady.length, input.openAlerts.length, inspectionsDue.length),
    notReady,
    openAlerts: [...input.openAlerts],
    inspectionsDue,
  };
}
