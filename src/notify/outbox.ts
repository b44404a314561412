import { randomUUID } from "node:crypto";
import type { SqlEngine, SqlExecutor, SqlValue } from "../store/sql/engine.js";
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
  /** The claim this item was handed out under (`claimDue`); finishing it is fenced by it. */
  claimId: string | null;
}

export interface EnqueueItem {
  key: string;
  channelId: string;
  alertId: string | null;
  action: string;
  message: NotificationMessage;
  nowMs: number;
  /** Held until then (the end of its group window, see `groupNotBefore`); default now. */
  notBeforeMs?: number;
}

/** The outbox as its users meet it; `Outbox` runs it on either SQL engine. */
export interface OutboxPort {
  /** Queues a message (in the caller's transaction when `tx` is given); false when its key was queued or delivered. */
  enqueue(item: EnqueueItem, tx?: SqlExecutor): Promise<boolean>;
  groupNotBefore(channelId: string, action: string, nowMs: number, windowMs: number): Promise<number>;
  claimDue(nodeId: string, nowMs: number, claimMs: number, limit?: number): Promise<OutboxItem[]>;
  dueGroup(head: OutboxItem, nowMs: number): Promise<OutboxItem[]>;
  done(head: OutboxItem, items: readonly OutboxItem[], nowMs: number): Promise<boolean>;
  retry(head: OutboxItem, items: readonly OutboxItem[], nextAttemptMs: number): Promise<boolean>;
  giveUp(head: OutboxItem, items: readonly OutboxItem[]): Promise<boolean>;
  size(): Promise<number>;
  notifiedChannels(alertId: string, tx?: SqlExecutor): Promise<string[]>;
  pruneDone(beforeMs: number): Promise<number>;
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
  claim_id: string | null;
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
  claimId: r.claim_id,
});

const COLUMNS =
  "id, dedupe_key, channel_id, alert_id, action, message_json, attempts, next_attempt_ms, claim_id";

/** The due, unclaimed (or claim expired) head of each channel's queue. Params: now, now, limit. */
const DUE_HEADS = `SELECT o.id FROM notify_outbox o
  WHERE o.id IN (SELECT MIN(id) FROM notify_outbox GROUP BY channel_id)
    AND o.next_attempt_ms <= ? AND (o.claimed_until_ms IS NULL OR o.claimed_until_ms <= ?)
  ORDER BY o.id LIMIT ?`;

const marks = (n: number) => Array.from({ length: n }, () => "?").join(", ");

/**
 * Messages waiting to be sent, one FIFO queue per channel (a later message for a channel waits for the earlier one,
 * so a resolution never overtakes its opening). A key is accepted once: while queued by the outbox's unique key, and
 * after delivery by `notify_done`, so a replayed change is never sent twice. Which channels were told about an alert
 * (`notify_sent`) is recorded at queueing time: a resolution follows even while the opening is still being retried.
 *
 * Several nodes share one outbox (issue 15): a node claims the due head of a channel's queue until a claim expiry,
 * sends outside any transaction, then finishes it (`done`, `retry`, `giveUp`) fenced by its claim. So each delivery
 * goes out exactly once while nodes live; a node that dies (or stalls past the expiry) mid-send leaves the item to be
 * claimed and sent again by another: at-least-once on a crash. A stalled node's late finish changes nothing.
 */
export class Outbox implements OutboxPort {
  constructor(private readonly sql: SqlEngine) {}

  async enqueue(item: EnqueueItem, tx?: SqlExecutor): Promise<boolean> {
    if (tx) return this.enqueueIn(tx, item);
    return this.sql.transaction((t) => this.enqueueIn(t, item));
  }

  private async enqueueIn(tx: SqlExecutor, item: EnqueueItem): Promise<boolean> {
    if (await tx.get("SELECT 1 AS one FROM notify_done WHERE dedupe_key = ?", [item.key])) return false;
    const added = await tx.run(
      `INSERT INTO notify_outbox (dedupe_key, channel_id, alert_id, action, message_json, next_attempt_ms, created_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      [
        item.key,
        item.channelId,
        item.alertId,
        item.action,
        JSON.stringify({ ...item.message, key: item.key }),
        item.notBeforeMs ?? item.nowMs,
        item.nowMs,
      ],
    );
    if (added.changes > 0 && item.alertId)
      await tx.run("INSERT INTO notify_sent (alert_id, channel_id) VALUES (?, ?) ON CONFLICT DO NOTHING", [
        item.alertId,
        item.channelId,
      ]);
    return added.changes > 0;
  }

  /**
   * When a groupable message for a target and action may go: with the group still waiting for that target and
   * action (its first arrival + window), or a new group's end (now + window).
   */
  async groupNotBefore(channelId: string, action: string, nowMs: number, windowMs: number): Promise<number> {
    const row = await this.sql.get<{ t: number | null }>(
      `SELECT MAX(next_attempt_ms) AS t FROM notify_outbox
       WHERE channel_id = ? AND action = ? AND attempts = 0 AND next_attempt_ms > ?`,
      [channelId, action, nowMs],
    );
    return row?.t ?? nowMs + windowMs;
  }

  /**
   * Claims for `nodeId`, until now + claimMs, the due head of each channel's queue that nobody holds, in queue
   * order. A channel whose head is claimed is skipped whole, so one node at a time sends a channel's queue.
   */
  async claimDue(nodeId: string, nowMs: number, claimMs: number, limit = 100): Promise<OutboxItem[]> {
    const claimId = `${nodeId}:${randomUUID()}`;
    const untilMs = nowMs + claimMs;
    const rows =
      this.sql.dialect === "postgres"
        ? await this.sql.transaction(async (tx) => {
            // Rows another node is claiming right now are locked: skipped, never waited for.
            const ids = (
              await tx.all<{ id: number }>(`${DUE_HEADS} FOR UPDATE OF o SKIP LOCKED`, [nowMs, nowMs, limit])
            ).map((r) => r.id);
            if (ids.length === 0) return [];
            return tx.all<OutboxRow>(
              `UPDATE notify_outbox SET claimed_by = ?, claim_id = ?, claimed_until_ms = ?
               WHERE id IN (${marks(ids.length)}) RETURNING ${COLUMNS}`,
              [nodeId, claimId, untilMs, ...ids],
            );
          })
        : await this.sql.all<OutboxRow>(
            `UPDATE notify_outbox SET claimed_by = ?, claim_id = ?, claimed_until_ms = ?
             WHERE id IN (${DUE_HEADS}) RETURNING ${COLUMNS}`,
            [nodeId, claimId, untilMs, nowMs, nowMs, limit],
          );
    return rows.map(toItem).sort((a, b) => a.id - b.id);
  }

  /**
   * The head and every other due message of its target with the same action, in queue order, skipping any
   * whose alert has an earlier message still queued (so a resolution never overtakes its opening).
   */
  async dueGroup(head: OutboxItem, nowMs: number): Promise<OutboxItem[]> {
    const rows = await this.sql.all<OutboxRow>(
      `SELECT ${COLUMNS} FROM notify_outbox WHERE channel_id = ? AND id >= ? ORDER BY id`,
      [head.channelId, head.id],
    );
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

  async size(): Promise<number> {
    return (await this.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM notify_outbox"))?.n ?? 0;
  }

  /** Delivered: `items` (the head and its group) leave the queue and their keys are remembered. */
  async done(head: OutboxItem, items: readonly OutboxItem[], nowMs: number): Promise<boolean> {
    return this.fenced(head, items, async (tx, ids) => {
      await tx.run(`DELETE FROM notify_outbox WHERE id IN (${marks(ids.length)})`, ids);
      for (const item of items)
        await tx.run("INSERT INTO notify_done (dedupe_key, done_ms) VALUES (?, ?) ON CONFLICT DO NOTHING", [
          item.key,
          nowMs,
        ]);
    });
  }

  /** Failed: counted, released, and held until the next attempt (the queue behind them waits). */
  async retry(head: OutboxItem, items: readonly OutboxItem[], nextAttemptMs: number): Promise<boolean> {
    return this.fenced(head, items, async (tx, ids) => {
      await tx.run(
        `UPDATE notify_outbox SET attempts = attempts + 1, next_attempt_ms = ?,
           claimed_by = NULL, claim_id = NULL, claimed_until_ms = NULL
         WHERE id IN (${marks(ids.length)})`,
        [nextAttemptMs, ...ids],
      );
    });
  }

  /** Dropped after the last attempt (the delivery log keeps every failure). */
  async giveUp(head: OutboxItem, items: readonly OutboxItem[]): Promise<boolean> {
    return this.fenced(head, items, async (tx, ids) => {
      await tx.run(`DELETE FROM notify_outbox WHERE id IN (${marks(ids.length)})`, ids);
    });
  }

  /**
   * Runs `write` only while the head is still held under the claim it was handed out with: a node whose claim
   * expired and was taken over finishes nothing (false). The head's row is locked meanwhile on PostgreSQL.
   */
  private async fenced(
    head: OutboxItem,
    items: readonly OutboxItem[],
    write: (tx: SqlExecutor, ids: SqlValue[]) => Promise<void>,
  ): Promise<boolean> {
    if (head.claimId === null) return false;
    const lock = this.sql.dialect === "postgres" ? " FOR UPDATE" : "";
    const ids: SqlValue[] = [...new Set([head.id, ...items.map((i) => i.id)])];
    return this.sql.transaction(async (tx) => {
      const held = await tx.get(`SELECT id FROM notify_outbox WHERE id = ? AND claim_id = ?${lock}`, [
        head.id,
        head.claimId,
      ]);
      if (!held) return false;
      await write(tx, ids);
      return true;
    });
  }

  async notifiedChannels(alertId: string, tx?: SqlExecutor): Promise<string[]> {
    const rows = await (tx ?? this.sql).all<{ channel_id: string }>(
      "SELECT channel_id FROM notify_sent WHERE alert_id = ?",
      [alertId],
    );
    return rows.map((r) => r.channel_id).sort();
  }

  /** Forgets delivered keys older than a cut-off (a replay that late is not expected). */
  async pruneDone(beforeMs: number): Promise<number> {
    return (await this.sql.run("DELETE FROM notify_done WHERE done_ms < ?", [beforeMs])).changes;
  }
}
