import type { AlertChange } from "../alerts/alert-service.js";

export interface NotificationMessage {
  title: string;
  /** Markdown for the robots (specials escaped). */
  markdown: string;
  /** Plain text for e-mail and logs. */
  text: string;
  /** The machine-readable change, for the generic webhook. */
  payload: unknown;
}

const SEVERITY = {
  zh: { critical: "严重", major: "重要", minor: "次要", warning: "提示", operational: "运营" },
  en: {
    critical: "CRITICAL",
    major: "MAJOR",
    minor: "minor",
    warning: "warning",
    operational: "operational",
  },
} as const;

const ACTION = {
  zh: {
    opened: "告警",
    reopened: "再次告警",
    escalated: "升级",
    reminded: "仍未恢复",
    resolved: "已恢复",
    acknowledged: "已确认",
    updated: "更新",
    commented: "备注",
    affected_changed: "影响范围变化",
  },
  en: {
    opened: "Alert",
    reopened: "Again",
    escalated: "Escalated",
    reminded: "Still down",
    resolved: "Resolved",
    acknowledged: "Acknowledged",
    updated: "Updated",
    commented: "Comment",
    affected_changed: "Affected devices changed",
  },
} as const;

/** Markdown specials and HTML are shown as text, so a device called `<script>` or `**x**` renders literally. */
export function escapeMarkdown(value: string): string {
  return value
    .replace(/[\\`*_{}[\]()#+\-.!|~]/g, (c) => `\\${c}`)
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

export function renderMessage(
  change: AlertChange,
  language: "zh" | "en",
  linkBaseUrl: string | null,
): NotificationMessage {
  const a = change.alert;
  const action = change.entry?.action ?? "updated";
  const severity = SEVERITY[language][a.severity];
  const subject = a.deviceId ?? a.agentId ?? a.hallId;
  const title = `[${severity}] ${ACTION[language][action]} · ${a.summary[language]} · ${a.hallId} / ${subject}`;
  const lines: [string, string][] = [
    [language === "zh" ? "营业厅" : "Hall", a.hallId],
    [language === "zh" ? "设备" : "Device", subject],
    [language === "zh" ? "故障" : "Fault", `${a.summary[language]} (${a.faultType})`],
  ];
  if (a.lastObserved !== null) lines.push([language === "zh" ? "数值" : "Value", String(a.lastObserved)]);
  if (a.affected.length > 1)
    lines.push([language === "zh" ? "受影响设备" : "Affected", a.affected.join(", ")]);
  if (change.escalatedTo)
    lines.push([language === "zh" ? "升级至" : "Escalated to", change.escalatedTo.join(", ")]);
  if (a.resolved)
    lines.push([language === "zh" ? "处理" : "Resolved", `${a.resolved.by}: ${a.resolved.reason}`]);
  const link = linkBaseUrl ? `${linkBaseUrl.replace(/\/$/, "")}/#/board` : null;
  const markdown = [
    `**${escapeMarkdown(title)}**`,
    ...lines.map(([k, v]) => `> ${escapeMarkdown(k)}: ${escapeMarkdown(v)}`),
    ...(link ? [`[${language === "zh" ? "打开控制台" : "Open the console"}](${link})`] : []),
  ].join("\n");
  const text = [title, ...lines.map(([k, v]) => `${k}: ${v}`), ...(link ? [link] : [])].join("\n");
  return { title, markdown, text, payload: { action, alert: a, escalatedTo: change.escalatedTo ?? null } };
}
