import { randomUUID } from "node:crypto";
import type { Db } from "../store/database.js";
import type { Channel, ChannelInput } from "./channels.js";
import type { NotificationMessage } from "./message.js";
import type { RoutingRule } from "./routing.js";

export interface OutboxItem {
  id: number;
  channelId: string;
  alertId: string | null;
  action: string;
  message: NotificationMessage;
  attempts: number;
}

export interface Delivery {
  id: number;
  atMs: number;
  channelId: string;
  alertId: string | null;
  action: string;
  attempt: number;
  ok: boolean;
  error: string | null;
  durationMs: number;
}

/** Channels, routing rules, the outbox (survives restarts), the delivery log and who was told what. */
export class NotifyStore {
  constructor(private readonly db: Db) {}

  addChannel(input: ChannelInput): Channel {
    const id = randomUUID();
    this.db
      .prepare(
        "INSERT INTO notify_channels (id, name, language, enabled, config_json) VALUES (?, ?, ?, ?, ?)",
      )
      .run(id, input.name, input.language, input.enabled ? 1 : 0, JSON.stringify(input.config));
    return { ...input, id };
  }

  channels(): Channel[] {
    const rows = this.db.prepare("SELECT * FROM notify_channels ORDER BY name").all() as {
      id: string;
      name: string;
      language: "zh" | "en";
      enabled: number;
      config_json: string;
    }[];
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      language: r.language,
      enabled: r.enabled === 1,
      config: JSON.parse(r.config_json),
    }));
  }

  channel(id: string): Channel | null {
    return this.channels().find((c) => c.id === id) ?? null;
  }

  removeChannel(id: string): boolean {
    return this.db.prepare("DELETE FROM notify_channels WHERE id = ?").run(id).changes > 0;
  }

  addRule(rule: Omit<RoutingRule, "id">): RoutingRule {
    const id = randomUUID();
    this.db.prepare("INSERT INTO notify_rules (id, rule_json) VALUES (?, ?)").run(id, JSON.stringify(rule));
    return { ...rule, id };
  }

  rules(): RoutingRule[] {
    return (
      this.db.prepare("SELECT id, rule_json FROM notify_rules").all() as { id: string; rule_json: string }[]
    ).map((r) => ({
      ...(JSON.parse(r.rule_json) as Omit<RoutingRule, "id">),
      id: r.id,
    }));
  }

  removeRule(id: string): boolean {
    return this.db.prepare("DELETE FROM notify_rules WHERE id = ?").run(id).changes > 0;
  }

  /** Queues a message; a second enqueue with the same key is ignored (exactly one delivery per change and channel). */
  enqueue(
    dedupeKey: string,
    channelId: string,
    alertId: string | null,
    action: string,
    message: NotificationMessage,
    nowMs: number,
  ): boolean {
    return (
      this.db
        .prepare(
          `INSERT OR IGNORE INTO notify_outbox (dedupe_key, channel_id, alert_id, action, message_json, next_attempt_ms, created_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(dedupeKey, channelId, alertId, action, JSON.stringify(message), nowMs, nowMs).changes > 0
    );
  }

  due(nowMs: number, limit: number): OutboxItem[] {
    const rows = this.db
      .prepare("SELECT * FROM notify_outbox WHERE next_attempt_ms <= ? ORDER BY id LIMIT ?")
      .all(nowMs, limit) as {
      id: number;
      channel_id: string;
      alert_id: string | null;
      action: string;
      message_json: string;
      attempts: number;
    }[];
    return rows.map((r) => ({
      id: r.id,
      channelId: r.channel_id,
      alertId: r.alert_id,
      action: r.action,
      message: JSON.parse(r.message_json),
      attempts: r.attempts,
    }));
  }

  pending(): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM notify_outbox").get() as { n: number }).n;
  }

  delivered(item: OutboxItem): void {
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM notify_outbox WHERE id = ?").run(item.id);
      if (item.alertId)
        this.db
          .prepare("INSERT OR IGNORE INTO notify_sent (alert_id, channel_id) VALUES (?, ?)")
          .run(item.alertId, item.channelId);
    })();
  }

  retryLater(item: OutboxItem, nextAttemptMs: number): void {
    this.db
      .prepare("UPDATE notify_outbox SET attempts = attempts + 1, next_attempt_ms = ? WHERE id = ?")
      .run(nextAttemptMs, item.id);
  }

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

  logDelivery(d: Omit<Delivery, "id">): void {
    this.db
      .prepare(
        "INSERT INTO notify_deliveries (at_ms, channel_id, alert_id, action, attempt, ok, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      )
      .run(d.atMs, d.channelId, d.alertId, d.action, d.attempt, d.ok ? 1 : 0, d.error, d.durationMs);
  }

  deliveries(options: {
    limit: number;
    channelId?: string | undefined;
    alertId?: string | undefined;
  }): Delivery[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM notify_deliveries WHERE (@channelId IS NULL OR channel_id = @channelId) AND (@alertId IS NULL OR alert_id = @alertId)
         ORDER BY id DESC LIMIT @limit`,
      )
      .all({
        channelId: options.channelId ?? null,
        alertId: options.alertId ?? null,
        limit: options.limit,
      }) as {
      id: number;
      at_ms: number;
      channel_id: string;
      alert_id: string | null;
      action: string;
      attempt: number;
      ok: number;
      error: string | null;
      duration_ms: number;
    }[];
    return rows.map((r) => ({
      id: r.id,
      atMs: r.at_ms,
      channelId: r.channel_id,
      alertId: r.alert_id,
      action: r.action,
      attempt: r.attempt,
      ok: r.ok === 1,
      error: r.error,
      durationMs: r.duration_ms,
    }));
  }
}
