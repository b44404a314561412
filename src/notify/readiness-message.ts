import type { ReadinessReport } from "../core/calendar/readiness.js";
import { neutralizeMarkdown } from "./markdown.js";
import type { Language, NotificationMessage } from "./message.js";

/** The pre-opening readiness report for the duty manager's channels (pure). */
export function readinessMessage(report: ReadinessReport, language: Language): NotificationMessage {
  const zh = language === "zh";
  const state = report.ready ? (zh ? "已就绪" : "ready") : zh ? "未就绪" : "NOT ready";
  const title = `${zh ? "开门前检查" : "Readiness"} · ${report.hallId} · ${state}`;
  const lines: [string, string][] = [
    [zh ? "未就绪设备" : "Not ready", report.notReady.map((d) => d.deviceId).join(", ") || "—"],
    [zh ? "未处理故障" : "Open faults", report.openAlerts.map((a) => a.summary[language]).join("; ") || "—"],
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
