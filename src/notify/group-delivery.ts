import type { Alert } from "../core/alerts/alert.js";
import { alertOfMessage, GROUPABLE_ACTIONS, type HallLabel, renderGroupMessage } from "./grouping.js";
import type { Language, NotificationMessage } from "./message.js";
import type { OutboxItem, OutboxPort } from "./outbox.js";

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
export async function outgoingNotice(
  outbox: OutboxPort,
  head: OutboxItem,
  options: {
    nowMs: number;
    grouping: boolean;
    language: Language;
    /** A hall's name and region, read before rendering (the renderer is pure). */
    halls: (hallId: string) => Promise<HallLabel | null>;
    linkBaseUrl: string | null;
  },
): Promise<OutgoingNotice> {
  const single = { items: [head], message: head.message, group: null };
  if (!options.grouping || !GROUPABLE_ACTIONS.has(head.action) || !alertOfMessage(head.message))
    return single;
  const items = (await outbox.dueGroup(head, options.nowMs)).filter(
    (i) => alertOfMessage(i.message) !== null,
  );
  if (items.length < 2) return single;
  const byId = new Map<string, Alert>();
  for (const item of items) {
    const alert = alertOfMessage(item.message) as Alert;
    byId.set(alert.id, alert);
  }
  const labels = new Map<string, HallLabel | null>();
  for (const alert of byId.values())
    if (!labels.has(alert.hallId)) labels.set(alert.hallId, await options.halls(alert.hallId));
  const message = renderGroupMessage(
    [...byId.values()],
    head.action,
    options.language,
    (hallId) => labels.get(hallId) ?? null,
    options.linkBaseUrl,
  );
  if (head.message.key) message.key = head.message.key;
  const group = (message.payload as { group: { size: number; summary: string } }).group;
  return { items, message, group: { size: group.size, summary: group.summary } };
}
