import type { InspectionService } from "../inspections/inspection-service.js";
import type { Halls } from "../store/hall-directory.js";
import { buildHallReport, type HallReport, type ReportPeriod, reportRange } from "./hall-report.js";
import { type UptimeSources, uptimeRows } from "./uptime-rows.js";

export interface ReportSources extends UptimeSources {
  halls: Halls;
  inspections?: InspectionService | undefined;
}

/** The hall's zone for reports: its opening hours' zone, else the hall's own. */
export function reportTimeZone(halls: Halls, hallId: string): string | null {
  return halls.openingHours(hallId)?.timeZone ?? halls.get(hallId)?.timeZone ?? null;
}

/** A hall's report for the period containing local `date` (the API's and the scheduler's), or null: no such hall. */
export async function generateHallReport(
  src: ReportSources,
  hallId: string,
  period: ReportPeriod,
  date: string,
  nowMs: number,
): Promise<{ report: HallReport; timeZone: string } | null> {
  const hall = src.halls.get(hallId);
  const timeZone = reportTimeZone(src.halls, hallId);
  if (!hall || !timeZone) return null;
  const { fromMs, toMs } = reportRange(period, date, timeZone);
  await src.aggregator.flushForReads();
  const devices = [...src.aggregator.presence.allDevices()].filter((d) => d.hallId === hallId && !d.retired);
  const alerts = src.alerts
    ? (await src.alerts.list({ hallIds: [hallId], fromMs, toMs, limit: 10_000, offset: 0 })).items
    : [];
  const inspections =
    src.inspections && src.inspections.listAssets(hallId, true).length > 0
      ? (await src.inspections.compliance(hallId, fromMs, toMs)).summary
      : null;
  const report = buildHallReport({
    hallId,
    hallName: hall.name,
    period,
    fromMs,
    toMs,
    nowMs,
    rows: await uptimeRows(src, devices, fromMs, toMs, nowMs),
    alerts,
    inspections,
  });
  return { report, timeZone };
}
