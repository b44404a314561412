import { z } from "zod";
import {
  type Alert,
  acknowledge,
  addComment,
  assign,
  type LifecycleError,
  type LiveCondition,
  recordDelivery,
  recordNotice,
  resolveManually,
  type Transition,
} from "../core/alerts/alert.js";

const text = z.string().max(2000);
const name = z.string().min(1).max(128);
const detail = z.record(z.string(), z.unknown());

/**
 * A person's (or the notifier's) change to an alert, as data: what AlertService.perform applies, and what a node
 * forwards to the hall's owner (docs/scale-out.md, "Alerts across nodes").
 */
export const alertActionSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("acknowledge"), by: name, comment: text.nullable() }),
  z.strictObject({ type: z.literal("resolve"), by: name, reason: text, force: z.boolean() }),
  z.strictObject({ type: z.literal("comment"), by: name, text }),
  z.strictObject({ type: z.literal("assign"), username: name, by: name }),
  z.strictObject({ type: z.literal("record_notice"), username: name, detail }),
  z.strictObject({ type: z.literal("record_delivery"), detail, atMs: z.number().int().min(0) }),
]);
export type AlertAction = z.infer<typeof alertActionSchema>;

/**
 * The transition an action makes. `live` is what still holds behind the alert, consulted by a resolve that is not
 * forced (issue 12, defect 4); the caller passes null when it does not apply.
 */
export function applyAlertAction(
  alert: Alert,
  action: AlertAction,
  nowMs: number,
  live: LiveCondition | null,
): Transition | LifecycleError {
  switch (action.type) {
    case "acknowledge":
      return acknowledge(alert, action.by, action.comment, nowMs);
    case "resolve":
      return resolveManually(alert, action.by, action.reason, nowMs, action.force ? null : live);
    case "comment":
      return addComment(alert, action.by, action.text, nowMs);
    case "assign":
      return assign(alert, action.username, action.by, nowMs);
    case "record_notice":
      return recordNotice(alert, action.username, action.detail, nowMs);
    case "record_delivery":
      return recordDelivery(alert, action.detail, action.atMs);
  }
}

/**
 * Where an action goes when this node does not hold the alert's hall (several nodes, docs/scale-out.md): the
 * owner applies it, so that it stays the single writer of its halls' alerts.
 */
export interface RemoteAlerts {
  /** Whether this node holds the hall now (its lease, with an epoch). */
  holds(hallId: string): boolean;
  /** Has the hall's owner perform the action; throws HallMovingError when no owner can be reached now. */
  forward(hallId: string, id: string, action: AlertAction): Promise<Alert | LifecycleError | null>;
}

/**
 * No node can apply an action on the hall's alerts right now: its lease is changing hands (expired, released, or
 * just taken by another node), or its owner does not answer. Transient: the API answers 503 with `hall_moving`.
 */
export class HallMovingError extends Error {
  readonly code = "hall_moving";
  constructor(
    readonly hallId: string,
    detail?: string,
  ) {
    super(
      `hall ${hallId} is being taken over by another node; try again in a few seconds${detail ? ` (${detail})` : ""}`,
    );
    this.name = "HallMovingError";
  }
}
