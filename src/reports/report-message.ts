import { DateTime } from "luxon";
import { neutralizeMarkdown } from "../notify/markdown.js";
import type { Language, MessageAttachment, NotificationMessage } from "../notify/message.js";
import type { HallReport } from "./hall-report.js";

const WORDS = {
  zh: {
    day: "日报",
    week: "周报",
    month: "月报",
    availability: "可用率",
    faults: "故障",
    mttr: "平均修复时间",
    overdue: "消防巡检漏检",
    open: "打开可打印报表",
    attached: "附件：CSV 与 PDF（电子邮件）",
    min: "分钟",
  },
  en: {
    day: "Daily report",
    week: "Weekly report",
    month: "Monthly report",
    availability: "Availability",
    faults: "Faults",
    mttr: "MTTR",
    overdue: "Inspections missed",
    open: "Open the printable report",
    attached: "Attached: CSV and PDF (by e-mail)",
    min: "min",
  },
} as const;

/** The period as people name it: 2026-11-30, 2026-11-23 – 2026-11-29, 2026-11. */
export function periodLabel(report: HallReport, timeZone: string): string {
  const from = DateTime.fromMillis(report.fromMs, { zone: timeZone });
  if (report.period === "month") return from.toFormat("yyyy-LL");
  if (report.period === "day") return from.toISODate() as string;
  return `${from.toISODate()} – ${from.plus({ days: 6 }).toISODate()}`;
}

/** The printable page's address for this report (signing in to the console opens it). */
export function printableLink(
  linkBaseUrl: string | null,
  report: HallReport,
  timeZone: string,
): string | null {
  if (!linkBaseUrl) return null;
  const date = DateTime.fromMillis(report.fromMs, { zone: timeZone }).toISODate();
  return `${linkBaseUrl.replace(/\/+$/, "")}/api/halls/${encodeURIComponent(report.hallId)}/reports/${report.period}?date=${date}&format=html`;
}

/** Mean time to repair of the period's faults that were resolved in it, in minutes; null without any. */
function mttrMin(report: HallReport): number | null {
  const resolved = report.faults.items.filter((f) => f.resolvedMs !== null);
  if (resolved.length === 0) return null;
  return resolved.reduce((sum, f) => sum + f.durationMs, 0) / resolved.length / 60_000;
}

/** A scheduled report as a notification: a short summary, the printable page's link, the files attached. */
export function reportMessage(input: {
  report: HallReport;
  timeZone: string;
  language: Language;
  linkBaseUrl: string | null;
  attachments: MessageAttachment[];
}): NotificationMessage {
  const { report, language } = input;
  const W = WORDS[language];
  const label = periodLabel(report, input.timeZone);
  const title = `[${W[report.period]}] ${report.hallName} · ${label}`;
  const ratio = report.uptime.hall.ratio;
  const mttr = mttrMin(report);
  const lines: [string, string][] = [
    [W.availability, ratio === null ? "—" : `${(ratio * 100).toFixed(2)} %`],
    [W.faults, String(report.faults.total)],
    [W.mttr, mttr === null ? "—" : `${mttr.toFixed(1)} ${W.min}`],
  ];
  if (report.inspections) lines.push([W.overdue, String(report.inspections.missed)]);
  const link = printableLink(input.linkBaseUrl, report, input.timeZone);
  const markdown = [
    `**${neutralizeMarkdown(title)}**`,
    ...lines.map(([k, v]) => `> ${k}: ${neutralizeMarkdown(v)}`),
    ...(link ? [`[${W.open}](${link})`] : []),
  ].join("\n");
  const text = [
    title,
    "",
    ...lines.map(([k, v]) => `${k}: ${v}`),
    ...(link ? ["", `${W.open}: ${link}`] : []),
    ...(input.attachments.length > 0 ? ["", W.attached] : []),
  ].join("\n");
  return {
    title,
    markdown,
    text,
    payload: {
      report: {
        hallId: report.hallId,
        period: report.period,
        fromMs: report.fromMs,
        toMs: report.toMs,
        availability: ratio,
        faults: report.faults.total,
        mttrMin: mttr,
        inspectionsMissed: report.inspections?.missed ?? null,
      },
      link,
    },
    attachments: input.attachments,
  };
}
