import type { Alert } from "../core/alerts/alert.js";
import { alertOfMessage, GROUPABLE_ACTIONS, type HallLabel, renderGroupMessage } from "./grouping.js";
import type { Language, NotificationMessage } from "./message.js";
import type { Outbox, OutboxItem } from "./outbox.js";

export interface OutgoingNotice {
  /** The queued messages this notice stands for (one, or a group). */
  items: OutboxItem[];
  message: NotificationMessage;
  /** Set for a group of two or more: its size and one-line summary, for the delivery log. */
  group: { size: number; summary: string } | null;
}

/**
 * What goes out for the head of a target's queue: with grouping on and a groupable change, every due message
 * of the same target and action merged into one notice; a lone message goes out as it was rendered.
 */
export function outgoingNotice(
  outbox: Outbox,
  head: OutboxItem,
  options: {
    nowMs: number;
    grouping: boolean;
    language: Language;
    halls: (hallId: string) => HallLabel | null;
    linkBaseUrl: string | null;
  },
): OutgoingNotice {
  const single = { items: [head], message: head.message, group: null };
  if (!options.grouping || !GROUPABLE_ACTIONS.has(head.action) || !alertOfMessage(head.message))
    return single;
  const items = outbox.dueGroup(head, options.nowMs).filter((i) => alertOfMessage(i.message) !== null);
  if (items.length < 2) return single;
  const byId = new Map<string, Alert>();
  for (const item of items) {
    const alert = alertOfMessage(item.message) as Alert;
    byId.set(alert.id, alert);
  }
  const message = renderGroupMessage(
    [...byId.values()],
    head.action,
    options.language,
    options.halls,
    options.linkBaseUrl,
  );
  if (head.message.key) message.key = head.message.key;
  const group = (message.payload as { group: { size: number; summary: string } }).group;
  return { items, message, group: { size: group.size, summary: group.summary } };
}
