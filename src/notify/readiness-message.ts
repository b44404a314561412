import { DateTime } from "luxon";
import type { NotReadyReason, ReadinessReport } from "../core/calendar/readiness.js";
import { neutralizeMarkdown } from "./markdown.js";
import type { Language, NotificationMessage } from "./message.js";

const WEEKDAY = {
  en: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
  zh: ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
} as const;
const MONTH_EN = [
  "Jan",
  "Feb",
  "Mar",
  "Apr",
  "May",
  "Jun",
  "Jul",
  "Aug",
  "Sep",
  "Oct",
  "Nov",
  "Dec",
] as const;

const LABEL = {
  en: {
    title: "Readiness",
    verdict: "Verdict",
    opens: "Opens",
    notReady: "Devices not ready",
    openFaults: "Open faults",
    inspections: "Inspections due today",
    none: "none",
    due: "due",
    overdue: "overdue since",
    offline: "offline",
    unknown: "no news since the last restart (unknown)",
    state: { ready: "ready", notReady: "NOT ready" },
  },
  zh: {
    title: "开门前检查",
    verdict: "结论",
    opens: "开门时间",
    notReady: "未就绪设备",
    openFaults: "未处理故障",
    inspections: "今日到期检查",
    none: "无",
    due: "截止",
    overdue: "已逾期，截止",
    offline: "离线",
    unknown: "状态未知",
    state: { ready: "已就绪", notReady: "未就绪" },
  },
} as const;

/** The opening as the hall's clocks show it, naming the zone: "Tue 1 Dec 2026, 09:00 (Asia/Shanghai)". */
function openingText(report: ReadinessReport, language: Language): string {
  const t = DateTime.fromMillis(report.openingMs, { zone: report.timeZone });
  const weekday = WEEKDAY[language][t.weekday - 1];
  const time = t.toFormat("HH:mm");
  return language === "zh"
    ? `${t.toFormat("yyyy-MM-dd")} ${weekday} ${time} (${report.timeZone})`
    : `${weekday} ${t.day} ${MONTH_EN[t.month - 1]} ${t.year}, ${time} (${report.timeZone})`;
}

function reasonText(reason: NotReadyReason, language: Language): string {
  if (reason.type === "fault") return reason.summary[language];
  return LABEL[language][reason.type];
}

/** The pre-opening readiness report for the duty manager's channels (pure). */
export function readinessMessage(report: ReadinessReport, language: Language): NotificationMessage {
  const L = LABEL[language];
  const zh = language === "zh";
  const list = (items: string[]) => items.join(zh ? "；" : "; ") || L.none;
  const title = `${L.title} · ${report.hallId} · ${report.ready ? L.state.ready : L.state.notReady}`;
  const lines: [string, string][] = [
    [L.verdict, report.verdict[language]],
    [L.opens, openingText(report, language)],
    [
      L.notReady,
      list(
        report.notReady.map(
          (d) => `${d.deviceId} (${d.reasons.map((r) => reasonText(r, language)).join(zh ? "，" : ", ")})`,
        ),
      ),
    ],
    [
      L.openFaults,
      list(
        report.openAlerts.map(
          (a) => `${a.deviceId ?? report.hallId}: ${a.summary[language]} [${a.faultType}, ${a.severity}]`,
        ),
      ),
    ],
    [
      L.inspections,
      list(
        report.inspectionsDue.map((i) => {
          const due = DateTime.fromMillis(i.dueMs, { zone: report.timeZone });
          return i.dueMs < report.generatedMs
            ? `${i.assetId} (${L.overdue} ${due.toFormat("yyyy-MM-dd HH:mm")})`
            : `${i.assetId} (${L.due} ${due.toFormat("HH:mm")})`;
        }),
      ),
    ],
  ];
  return {
    title,
    markdown: [
      `**${neutralizeMarkdown(title)}**`,
      ...lines.map(([k, v]) => `> ${k}: ${neutralizeMarkdown(v)}`),
    ].join("\n"),
    text: [title, "", ...lines.map(([k, v]) => `${k}: ${v}`)].join("\n"),
    severity: report.ready ? "warning" : "major",
    payload: { readiness: report },
  };
}
