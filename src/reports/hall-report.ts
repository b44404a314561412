import { DateTime } from "luxon";
import type { Alert } from "../core/alerts/alert.js";
import type { ComplianceSummary } from "../core/inspections/compliance.js";
import { type Availability, sumAvailability } from "../core/uptime/availability.js";
import type { UptimeRow } from "./uptime-rows.js";

export type ReportPeriod = "day" | "week" | "month";

/** The period a report covers: the day, Monday-start week or calendar month containing `date`, in the hall's zone. */
export function reportRange(
  period: ReportPeriod,
  date: string,
  timeZone: string,
): { fromMs: number; toMs: number } {
  const start = DateTime.fromISO(date, { zone: timeZone }).startOf(period === "week" ? "week" : period);
  return { fromMs: start.toMillis(), toMs: start.plus({ [`${period}s`]: 1 }).toMillis() };
}

/** A report's file name: the hall, the period and the local date of the period's first day (a week's Monday). */
export function reportFileName(
  hallId: string,
  period: ReportPeriod,
  fromMs: number,
  timeZone: string,
  extension: string,
): string {
  const first = DateTime.fromMillis(fromMs, { zone: timeZone }).toISODate() as string;
  return `${hallId}-${period}-${first}.${extension}`;
}

/** The default: the last complete period (yesterday, last week, last month — ready on the 1st). */
export function lastCompletePeriod(period: ReportPeriod, nowMs: number, timeZone: string): string {
  const now = DateTime.fromMillis(nowMs, { zone: timeZone });
  return now.minus({ [`${period}s`]: 1 }).toISODate() as string;
}

export interface HallReport {
  hallId: string;
  hallName: string;
  period: ReportPeriod;
  fromMs: number;
  toMs: number;
  generatedMs: number;
  uptime: { hall: Availability; byKind: Record<string, Availability>; devices: UptimeRow[] };
  faults: {
    total: number;
    byType: { faultType: string; severity: string; count: number; totalDurationMs: number }[];
    items: {
      id: string;
      deviceId: string | null;
      faultType: string;
      severity: string;
      openedMs: number;
      resolvedMs: number | null;
      durationMs: number;
      status: string;
    }[];
  };
  topOffenders: { deviceId: string; kind: string; downMs: number; failures: number }[];
  /** Fire-equipment inspections due in the report's periods; null when the hall has no fire assets. */
  inspections: ComplianceSummary | null;
}

/** The duty manager's daily / weekly / monthly report of a hall: uptime, faults and their durations, top offenders. */
export function buildHallReport(input: {
  hallId: string;
  hallName: string;
  period: ReportPeriod;
  fromMs: number;
  toMs: number;
  nowMs: number;
  rows: UptimeRow[];
  alerts: readonly Alert[];
  inspections?: ComplianceSummary | null;
}): HallReport {
  const { rows } = input;
  const byKind = new Map<string, Availability[]>();
  for (const r of rows) byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), r]);
  const end = Math.min(input.toMs, input.nowMs);
  const items = input.alerts
    .filter((a) => a.openedMs >= input.fromMs && a.openedMs < input.toMs)
    .map((a) => {
      const resolvedMs = a.resolved?.atMs ?? null;
      return {
        id: a.id,
        deviceId: a.deviceId,
        faultType: a.faultType,
        severity: a.severity,
        openedMs: a.openedMs,
        resolvedMs,
        durationMs: Math.max(0, (resolvedMs ?? end) - a.openedMs),
        status: a.status,
      };
    })
    .sort((a, b) => a.openedMs - b.openedMs);
  const byType = new Map<
    string,
    { faultType: string; severity: string; count: number; totalDurationMs: number }
  >();
  for (const f of items) {
    const key = `${f.faultType}/${f.severity}`;
    const entry = byType.get(key) ?? {
      faultType: f.faultType,
      severity: f.severity,
      count: 0,
      totalDurationMs: 0,
    };
    entry.count += 1;
    entry.totalDurationMs += f.durationMs;
    byType.set(key, entry);
  }
  return {
    hallId: input.hallId,
    hallName: input.hallName,
    period: input.period,
    fromMs: input.fromMs,
    toMs: input.toMs,
    generatedMs: input.nowMs,
    uptime: {
      hall: sumAvailability(rows),
      byKind: Object.fromEntries([...byKind].map(([k, v]) => [k, sumAvailability(v)])),
      devices: rows,
    },
    faults: { total: items.length, byType: [...byType.values()].sort((a, b) => b.count - a.count), items },
    topOffenders: rows
      .filter((r) => r.downMs > 0 || r.failures > 0)
      .sort((a, b) => b.downMs - a.downMs || b.failures - a.failures)
      .slice(0, 10)
      .map((r) => ({ deviceId: r.deviceId, kind: r.kind, downMs: r.downMs, failures: r.failures })),
    inspections: input.inspections ?? null,
  };
}

const pct = (a: Availability) => (a.ratio === null ? "—" : `${(a.ratio * 100).toFixed(2)} %`);
const mins = (ms: number) => (ms / 60_000).toFixed(1);

export function reportCsv(report: HallReport): string {
  const lines = [
    "section,hallId,deviceId,kind,expectedMin,upMin,downMin,availability,failures,faultType,severity,openedMs,resolvedMs,durationMin",
  ];
  for (const r of report.uptime.devices) {
    lines.push(
      [
        "uptime",
        r.hallId,
        r.deviceId,
        r.kind,
        mins(r.expectedMs),
        mins(r.upMs),
        mins(r.downMs),
        r.ratio ?? "",
        r.failures,
        "",
        "",
        "",
        "",
        "",
      ].join(","),
    );
  }
  for (const f of report.faults.items) {
    lines.push(
      [
        "fault",
        report.hallId,
        f.deviceId ?? "",
        "",
        "",
        "",
        "",
        "",
        "",
        f.faultType,
        f.severity,
        f.openedMs,
        f.resolvedMs ?? "",
        mins(f.durationMs),
      ].join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}

function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A printable page (print it to PDF from the browser). Every value is escaped. */
export function reportHtml(report: HallReport, timeZone: string): string {
  const time = (ms: number | null) =>
    ms === null ? "—" : DateTime.fromMillis(ms, { zone: timeZone }).toFormat("yyyy-LL-dd HH:mm");
  const row = (cells: unknown[]) => `<tr>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`;
  const title = { day: "日报 Daily report", week: "周报 Weekly report", month: "月报 Monthly report" }[
    report.period
  ];
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(report.hallName)} — ${title}</title>
<style>body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:2rem;color:#111}table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #bbb;padding:.25rem .5rem;text-align:left}h1{font-size:1.4rem}@media print{body{margin:0}}</style></head><body>
<h1>${escapeHtml(report.hallName)} (${escapeHtml(report.hallId)}) — ${title}</h1>
<p>${time(report.fromMs)} – ${time(report.toMs)} · 可用率 availability <strong>${pct(report.uptime.hall)}</strong> · 故障 faults ${report.faults.total}</p>
<h2>可用率 Uptime by kind</h2><table><tr><th>kind</th><th>availability</th><th>down (min)</th></tr>${Object.entries(
    report.uptime.byKind,
  )
    .map(([k, a]) => row([k, pct(a), mins(a.downMs)]))
    .join("")}</table>
<h2>故障最多 Top offenders</h2><table><tr><th>device</th><th>kind</th><th>down (min)</th><th>failures</th></tr>${report.topOffenders.map((o) => row([o.deviceId, o.kind, mins(o.downMs), o.failures])).join("")}</table>
<h2>故障 Faults</h2><table><tr><th>opened</th><th>device</th><th>fault</th><th>severity</th><th>duration (min)</th><th>status</th></tr>${report.faults.items.map((f) => row([time(f.openedMs), f.deviceId ?? "", f.faultType, f.severity, mins(f.durationMs), f.status])).join("")}</table>
<h2>设备 Devices</h2><table><tr><th>device</th><th>kind</th><th>zone</th><th>availability</th><th>MTBF (min)</th><th>MTTR (min)</th></tr>${report.uptime.devices.map((d) => row([d.name ?? d.deviceId, d.kind, d.zone, pct(d), d.mtbfMs === null ? "—" : mins(d.mtbfMs), d.mttrMs === null ? "—" : mins(d.mttrMs)])).join("")}</table>
<p>消防巡检 Inspections: ${
    report.inspections
      ? `应检 due ${report.inspections.due} · 完成 done ${report.inspections.done} · 逾期完成 late ${report.inspections.late} · 漏检 missed ${report.inspections.missed} · 不合格 failed ${report.inspections.failed} · 合规率 compliance ${report.inspections.compliancePct === null ? "—" : `${report.inspections.compliancePct} %`}`
      : "—"
  }</p>
</body></html>`;
}
