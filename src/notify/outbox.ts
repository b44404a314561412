import type { Db } from "../store/database.js";
import type { NotificationMessage } from "./message.js";

export interface OutboxItem {
  id: number;
  key: string;
  channelId: string;
  alertId: string | null;
  action: string;
  message: NotificationMessage;
  /** Attempts made so far. */
  attempts: number;
  nextAttemptMs: number;
}

interface OutboxRow {
  id: number;
  dedupe_key: string;
  channel_id: string;
  alert_id: string | null;
  action: string;
  message_json: string;
  attempts: number;
  next_attempt_ms: number;
}

const toItem = (r: OutboxRow): OutboxItem => ({
  id: r.id,
  key: r.dedupe_key,
  channelId: r.channel_id,
  alertId: r.alert_id,
  action: r.action,
  message: JSON.parse(r.message_json),
  attempts: r.attempts,
  nextAttemptMs: r.next_attempt_ms,
});

/**
 * Messages waiting to be sent, one FIFO queue per channel (a later message for a channel waits for the
 * earlier one, so a resolution never overtakes its opening). A key is accepted once: while queued by the
 * outbox's unique key, and after delivery by `notify_done`, so a replayed change is never sent twice.
 * Which channels were told about an alert (`notify_sent`) is recorded at queueing time: a resolution
 * follows even while the opening is still being retried.
 */
export class Outbox {
  constructor(private readonly db: Db) {}

  /** Queues a message; false when this key was already queued or delivered. */
  enqueue(item: {
    key: string;
    channelId: string;
    alertId: string | null;
    action: string;
    message: NotificationMessage;
    nowMs: number;
    /** Held until then (the end of its group window, see `groupNotBefore`); default now. */
    notBeforeMs?: number;
  }): boolean {
    return this.db.transaction(() => {
      if (this.db.prepare("SELECT 1 FROM notify_done WHERE dedupe_key = ?").get(item.key)) return false;
      const notBeforeMs = item.notBeforeMs ?? item.nowMs;
      const added =
        this.db
          .prepare(
            `INSERT OR IGNORE INTO notify_outbox (dedupe_key, channel_id, alert_id, action, message_json, next_attempt_ms, created_ms)
             VALUES (?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            item.key,
            item.channelId,
            item.alertId,
            item.action,
            JSON.stringify({ ...item.message, key: item.key }),
            notBeforeMs,
            item.nowMs,
          ).changes > 0;
      if (added && item.alertId)
        this.db
          .prepare("INSERT OR IGNORE INTO notify_sent (alert_id, channel_id) VALUES (?, ?)")
          .run(item.alertId, item.channelId);
      return added;
    })();
  }

  /**
   * When a groupable message for a target and action may go: with the group still waiting for that target and
   * action (its first arrival + window), or a new group's end (now + window).
   */
  groupNotBefore(channelId: string, action: string, nowMs: number, windowMs: number): number {
    const row = this.db
      .prepare(
        `SELECT MAX(next_attempt_ms) AS t FROM notify_outbox
         WHERE channel_id = ? AND action = ? AND attempts = 0 AND next_attempt_ms > ?`,
      )
      .get(channelId, action, nowMs) as { t: number | null };
    return row.t ?? nowMs + windowMs;
  }

  /**
   * The head and every other due message of its target with the same action, in queue order, skipping any
   * whose alert has an earlier message still queued (so a resolution never overtakes its opening).
   */
  dueGroup(head: OutboxItem, nowMs: number): OutboxItem[] {
    const rows = this.db
      .prepare("SELECT * FROM notify_outbox WHERE channel_id = ? AND id >= ? ORDER BY id")
      .all(head.channelId, head.id) as OutboxRow[];
    const group: OutboxItem[] = [];
    const blocked = new Set<string>();
    for (const row of rows) {
      const joins =
        row.action === head.action &&
        row.next_attempt_ms <= nowMs &&
        row.alert_id !== null &&
        !blocked.has(row.alert_id);
      if (joins || row.id === head.id) group.push(toItem(row));
      else if (row.alert_id) blocked.add(row.alert_id);
    }
    return group;
  }

  /** The head of each channel's queue, if it is due. */
  dueHeads(nowMs: number): OutboxItem[] {
    const rows = this.db
      .prepare(
        `SELECT o.* FROM notify_outbox o
         WHERE o.id IN (SELECT MIN(id) FROM notify_outbox GROUP BY channel_id) AND o.next_attempt_ms <= ?
         ORDER BY o.id`,
      )
      .all(nowMs) as OutboxRow[];
    return rows.map(toItem);
  }

  size(): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM notify_outbox").get() as { n: number }).n;
  }

  delivered(item: OutboxItem, nowMs: number): void {
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM notify_outbox WHERE id = ?").run(item.id);
      this.db
        .prepare("INSERT OR IGNORE INTO notify_done (dedupe_key, done_ms) VALUES (?, ?)")
        .run(item.key, nowMs);
    })();
  }

  retryLater(item: OutboxItem, nextAttemptMs: number): void {
    this.db
      .prepare("UPDATE notify_outbox SET attempts = attempts + 1, next_attempt_ms = ? WHERE id = ?")
      .run(nextAttemptMs, item.id);
  }

  /** Dropped after the last attempt (the delivery log keeps every failure). */
  giveUp(item: OutboxItem): void {
    this.db.prepare("DELETE FROM notify_outbox WHERE id = ?").run(item.id);
  }

  notifiedChannels(alertId: string): string[] {
    return (
      this.db.prepare("SELECT channel_id FROM notify_sent WHERE alert_id = ?").all(alertId) as {
        channel_id: string;
      }[]
    ).map((r) => r.channel_id);
  }

  /** Forgets delivered keys older than a cut-off (a replay that late is not expected). */
  pruneDone(beforeMs: number): number {
    return this.db.prepare("DELETE FROM notify_done WHERE done_ms < ?").run(beforeMs).changes;
  }
}
