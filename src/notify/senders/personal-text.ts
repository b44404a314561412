import type { Alert } from "../../core/alerts/alert.js";
import { type Language, type NotificationMessage, SEVERITY_LABEL } from "../message.js";

/** The escalation part adds `actionUrl` (a signed one-tap link) to personal notices; optional here. */
export type PersonalMessage = NotificationMessage & { actionUrl?: string };

export type SmsParamName = "hall" | "fault" | "severity" | "link";

/** SMS template variables are short (35 characters at most on Alibaba); a link is never cut. */
const MAX_PARAM = 35;
const cut = (s: string, n = MAX_PARAM) => ([...s].length <= n ? s : `${[...s].slice(0, n - 1).join("")}…`);

/** The link a person should tap: the action link if any, else the console link of the alert. */
export function linkOf(message: PersonalMessage): string | null {
  if (message.actionUrl) return message.actionUrl;
  const link = message.payload.link;
  return typeof link === "string" ? link : null;
}

/** Short values for an SMS template (the text is fixed by the provider's approved template). */
export function smsParams(message: PersonalMessage, language: Language): Record<SmsParamName, string> {
  const alert = message.payload.alert as Alert | undefined;
  const severity = alert?.severity ?? message.severity;
  return {
    hall: cut(alert?.hallId ?? ""),
    fault: cut(alert ? alert.summary[language] : message.title),
    severity: severity ? SEVERITY_LABEL[language][severity] : "",
    link: linkOf(message) ?? "",
  };
}
