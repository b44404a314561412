import type { AlertChange } from "../../alerts/alert-service.js";
import type { Alert, HistoryAction } from "../../core/alerts/alert.js";
import { type Language, type NotificationMessage, renderMessage, withActionUrl } from "../message.js";
import { ActionLinks } from "./action-links.js";
import type { ContactBook, PersonalMedium } from "./ports.js";

/** One personal notice to be queued: an alert's change for one person. */
export interface Notice {
  alert: Alert;
  action: HistoryAction;
  username: string;
  /** Media the step asks for; empty: the person's preferred one. */
  via: readonly PersonalMedium[];
  /** Unique per notice of this alert (with the target): a replayed change or step is queued once. */
  key: string;
  detail: Record<string, unknown>;
  /** Resolutions reach everyone told before, in quiet hours too. */
  always?: boolean;
  /** Who caused the change, where the message names them (an assignment names who handed the alert over). */
  by?: string;
}

export interface NoticeContext {
  contacts: ContactBook;
  /** A user's language; null for an unknown or disabled user (never notified). */
  languageOf: (username: string) => Language | null;
  links?: ActionLinks;
  linkBaseUrl: string | null;
}

/**
 * The person's media for a notice and the message in their language, with the signed one-tap link (not on
 * resolutions); none when they are not to be told (no contacts, unknown user, quiet hours for a non-critical alert,
 * no address for the media the step asks for).
 */
export function renderNotice(
  notice: Notice,
  nowMs: number,
  context: NoticeContext,
): { medium: PersonalMedium; message: NotificationMessage }[] {
  const { alert, username } = notice;
  const contacts = context.contacts.contactsOf(username);
  const language = context.languageOf(username);
  if (!contacts || !language) return [];
  if (!notice.always && alert.severity !== "critical" && contacts.inQuietHours(nowMs)) return [];
  const media =
    notice.via.length > 0 ? notice.via.filter((m) => contacts.media.includes(m)) : contacts.media.slice(0, 1);
  if (media.length === 0) return [];
  const change: AlertChange = {
    alert,
    entry: {
      alertId: alert.id,
      atMs: nowMs,
      action: notice.action,
      by: notice.by ?? null,
      fromStatus: alert.status,
      toStatus: alert.status,
      detail: null,
    },
  };
  const base = context.linkBaseUrl;
  return media.map((medium) => {
    let message = renderMessage(change, language, base);
    if (context.links && base && notice.action !== "resolved")
      message = withActionUrl(
        message,
        ActionLinks.url(base, context.links.issue(alert.id, username, nowMs)),
        language,
      );
    return { medium, message };
  });
}
