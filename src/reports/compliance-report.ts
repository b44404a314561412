import { DateTime } from "luxon";
import { CHECK_ITEM_TEXT } from "../core/inspections/checklist.js";
import type { ComplianceReport } from "../inspections/inspection-service.js";
import { escapeHtml, toCsv } from "./csv.js";

const STATUS_TEXT = {
  done: "完成 done",
  late: "逾期完成 late",
  missed: "漏检 missed",
  overdue: "逾期 overdue",
  pending: "待检 pending",
  upcoming: "未到期 upcoming",
  not_due: "未到期 not due",
} as const;

const localTime = (ms: number | null | undefined, zone: string) =>
  ms === null || ms === undefined ? "" : DateTime.fromMillis(ms, { zone }).toFormat("yyyy-LL-dd HH:mm");

/** One line per asset per due period, with its inspection (if any) and corrective actions. */
export function complianceCsv(report: ComplianceReport): string {
  const zone = report.timeZone;
  const assets = new Map(report.assets.map((a) => [a.id, a]));
  return toCsv(
    [
      "hall",
      "period",
      "periodStart",
      "due",
      "assetId",
      "location",
      "type",
      "status",
      "inspector",
      "inspectedAt",
      "result",
      "failedItems",
      "note",
      "records",
      "correctiveActions",
    ],
    report.rows.map((row) => {
      const asset = assets.get(row.assetId);
      return [
        report.hallId,
        row.period.label,
        row.period.key,
        localTime(row.period.overdueMs, zone),
        row.assetId,
        asset?.location ?? "",
        asset?.type ?? "",
        row.status,
        row.record?.inspector ?? "",
        localTime(row.record?.inspectedMs, zone),
        row.record ? (row.record.passed ? "pass" : "fail") : "",
        row.record?.failedItems.join(" ") ?? "",
        row.record?.note ?? "",
        row.recordCount,
        row.actions
          .map((a) =>
            a.closed
              ? `${a.item}: closed ${localTime(a.closed.atMs, zone)} by ${a.closed.by} (${a.closed.note})`
              : `${a.item}: open`,
          )
          .join("; "),
      ];
    }),
  );
}

/** A printable page (print to PDF from the browser). Every value is escaped. */
export function complianceHtml(report: ComplianceReport): string {
  const zone = report.timeZone;
  const s = report.summary;
  const assets = new Map(report.assets.map((a) => [a.id, a]));
  const cells = (values: unknown[]) => `<tr>${values.map((v) => `<td>${escapeHtml(v)}</td>`).join("")}</tr>`;
  const pct = (v: number | null) => (v === null ? "—" : `${v.toFixed(1)} %`);
  const rows = report.rows
    .map((row) => {
      const asset = assets.get(row.assetId);
      const failed = row.record?.failedItems.map((i) => CHECK_ITEM_TEXT[i].zh).join("、") ?? "";
      const actions = row.actions
        .map((a) =>
          a.closed ? `${a.item} ✓ ${a.closed.by} ${localTime(a.closed.atMs, zone)}` : `${a.item} …`,
        )
        .join("; ");
      return `<tr class="${escapeHtml(row.status)}">${[
        row.period.label,
        row.assetId,
        asset?.location ?? "",
        STATUS_TEXT[row.status],
        row.record?.inspector ?? "",
        localTime(row.record?.inspectedMs, zone),
        row.record ? (row.record.passed ? "合格 pass" : `不合格 fail: ${failed}`) : "",
        row.record?.note ?? "",
        actions,
      ]
        .map((v) => `<td>${escapeHtml(v)}</td>`)
        .join("")}</tr>`;
    })
    .join("");
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(report.hallName)} — 消防巡检合规报告 Fire inspection compliance</title>
<style>body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:2rem;color:#111}table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.9rem}td,th{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;vertical-align:top}tr.missed td,tr.overdue td{background:#fde8e8}tr.late td{background:#fff6db}h1{font-size:1.4rem}@media print{body{margin:0}}</style></head><body>
<h1>${escapeHtml(report.hallName)} (${escapeHtml(report.hallId)}) — 消防巡检合规报告 Fire inspection compliance</h1>
<p>${escapeHtml(localTime(report.fromMs, zone))} – ${escapeHtml(localTime(report.toMs, zone))} (${escapeHtml(zone)}) · 生成 generated ${escapeHtml(localTime(report.generatedMs, zone))}</p>
<p>应检 due <strong>${s.due}</strong> · 完成 done ${s.done} · 逾期完成 late ${s.late} · 漏检 missed ${s.missed} · 逾期 overdue ${s.overdue} · 待检 pending ${s.pending} · 不合格 failed ${s.failed} · 合规率 compliance <strong>${pct(s.compliancePct)}</strong> · 按时率 on time ${pct(s.onTimePct)}</p>
<h2>器材 Assets</h2><table><tr><th>id</th><th>location</th><th>type</th><th>size</th><th>manufactured</th><th>next service</th><th>scrap</th><th>sensor</th></tr>${report.assets
    .map((a) =>
      cells([
        a.retiredMs === null ? a.id : `${a.id} (retired)`,
        a.location,
        a.type,
        a.size,
        a.manufactureDate,
        a.nextServiceDate,
        a.scrapDate ?? "—",
        a.sensorDeviceId ?? "—",
      ]),
    )
    .join("")}</table>
<h2>巡检 Inspections</h2><table><tr><th>period</th><th>asset</th><th>location</th><th>status</th><th>by</th><th>when</th><th>result</th><th>note</th><th>corrective actions</th></tr>${rows}</table>
</body></html>`;
}
