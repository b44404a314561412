import type { AlertChange } from "../alerts/alert-service.js";
import type { Severity } from "../core/faults/types.js";
import { neutralizeMarkdown } from "./markdown.js";

export type Language = "zh" | "en";

/**
 * A file sent with a message (scheduled reports' CSV and PDF). E-mail attaches it; robots ignore it. Either the
 * content itself (base64), or a reference to a stored file that the dispatcher loads at send time, so that a large
 * PDF is not copied into the outbox's JSON.
 */
export type MessageAttachment = { filename: string; contentType: string } & (
  | { contentBase64: string; ref?: never }
  | { ref: string; contentBase64?: never }
);

export interface NotificationMessage {
  /** The outbox key (alert, action, change time, channel): the same for every retry. */
  key?: string;
  title: string;
  /** Markdown for the robots, with device and people text neutralized (see markdown.ts). */
  markdown: string;
  /** Plain text for e-mail and Feishu text messages. */
  text: string;
  severity?: Severity;
  /** The machine-readable change, for the generic webhook. */
  payload: Record<string, unknown>;
  /** Optional files (absent on alert notices: older outbox rows and senders need nothing new). */
  attachments?: MessageAttachment[];
  /** A personal notice's signed one-tap link (acknowledge, comment, resolve), shown in every channel's text. */
  actionUrl?: string;
}

const ACT_LABEL = {
  zh: "一键处理（确认 / 备注 / 恢复）",
  en: "Act now (acknowledge / comment / resolve)",
} as const;

/** The message with its action link: in the text and markdown every sender shows, and for cards and buttons. */
export function withActionUrl(
  message: NotificationMessage,
  actionUrl: string,
  language: Language,
): NotificationMessage {
  const label = ACT_LABEL[language];
  return {
    ...message,
    actionUrl,
    markdown: `${message.markdown}\n[${label}](${actionUrl})`,
    text: `${message.text}\n\n${label}: ${actionUrl}`,
    payload: { ...message.payload, actionUrl },
  };
}

/** Severity words in notices, shared by every template (single, grouped, SMS parameters). */
export const SEVERITY_LABEL = {
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
    escalated: "告警升级",
    reminded: "仍未恢复",
    resolved: "已恢复",
    acknowledged: "已确认",
    updated: "更新",
    commented: "备注",
    assigned: "已指派",
    affected_changed: "影响范围变化",
    notified: "已通知",
    delivered: "已送达",
  },
  en: {
    opened: "Alert",
    reopened: "Alert again",
    escalated: "Escalated",
    reminded: "Still down",
    resolved: "Resolved",
    acknowledged: "Acknowledged",
    updated: "Updated",
    commented: "Comment",
    assigned: "Assigned",
    affected_changed: "Affected devices changed",
    notified: "Notified",
    delivered: "Delivered",
  },
} as const;

const STATUS = {
  zh: { open: "未处理", acknowledged: "已确认", resolved: "已恢复" },
  en: { open: "open", acknowledged: "acknowledged", resolved: "resolved" },
} as const;

const LABEL = {
  zh: {
    hall: "营业厅",
    device: "设备",
    fault: "故障",
    value: "数值",
    affected: "受影响设备",
    status: "状态",
    escalatedTo: "升级至",
    resolvedBy: "处理",
    assignedBy: "指派人",
    open: "打开控制台",
  },
  en: {
    hall: "Hall",
    device: "Device",
    fault: "Fault",
    value: "Value",
    affected: "Affected devices",
    status: "Status",
    escalatedTo: "Escalated to",
    resolvedBy: "Resolved by",
    assignedBy: "Assigned by",
    open: "Open the console",
  },
} as const;

/** Links go to the device page, or the board for hall and agent alerts. */
export function alertLink(
  linkBaseUrl: string | null,
  hallId: string,
  deviceId: string | null,
): string | null {
  if (!linkBaseUrl) return null;
  const base = linkBaseUrl.replace(/\/+$/, "");
  return deviceId
    ? `${base}/#/device/${encodeURIComponent(hallId)}/${encodeURIComponent(deviceId)}`
    : `${base}/#/board`;
}

/** The message for one alert change in one language (pure). */
export function renderMessage(
  change: AlertChange,
  language: Language,
  linkBaseUrl: string | null,
): NotificationMessage {
  const a = change.alert;
  const action = change.entry?.action ?? "updated";
  const L = LABEL[language];
  const subject = a.deviceId ?? a.agentId ?? a.hallId;
  const title = `[${SEVERITY_LABEL[language][a.severity]}] ${ACTION[language][action]} · ${a.summary[language]} · ${a.hallId} / ${subject}`;
  const lines: [string, string][] = [
    [L.hall, a.hallId],
    [L.device, subject],
    [L.fault, `${a.summary[language]} (${a.faultType})`],
  ];
  if (a.lastObserved !== null) lines.push([L.value, String(a.lastObserved)]);
  if (a.affected.length > 1 || (a.affected.length === 1 && a.affected[0] !== a.deviceId))
    lines.push([L.affected, a.affected.join(", ")]);
  lines.push([L.status, STATUS[language][a.status]]);
  if (action === "escalated" && change.escalatedTo)
    lines.push([L.escalatedTo, change.escalatedTo.join(", ")]);
  if (action === "assigned" && change.entry?.by) lines.push([L.assignedBy, change.entry.by]);
  if (a.resolved) lines.push([L.resolvedBy, `${a.resolved.by}: ${a.resolved.reason}`]);
  const link = alertLink(linkBaseUrl, a.hallId, a.deviceId);
  const markdown = [
    `**${neutralizeMarkdown(title)}**`,
    ...lines.map(([k, v]) => `> ${k}: ${neutralizeMarkdown(v)}`),
    ...(link ? [`[${L.open}](${link})`] : []),
  ].join("\n");
  const text = [title, "", ...lines.map(([k, v]) => `${k}: ${v}`), ...(link ? ["", link] : [])].join("\n");
  return {
    title,
    markdown,
    text,
    severity: a.severity,
    payload: { action, alert: a, escalatedTo: change.escalatedTo ?? null, link },
  };
}

/** The message "send test" sends. */
export function testMessage(language: Language, channelName: string): NotificationMessage {
  const title = language === "zh" ? "Hallwatch 测试消息" : "Hallwatch test message";
  const body =
    language === "zh"
      ? `通道「${channelName}」配置正确，可以接收告警通知。`
      : `Channel "${channelName}" works: it can receive alert notifications.`;
  return {
    title,
    markdown: `**${title}**\n> ${neutralizeMarkdown(body)}`,
    text: `${title}\n\n${body}`,
    severity: "warning",
    payload: { test: true },
  };
}
