import type { AlertChange } from "../alerts/alert-service.js";
import type { ReadinessReport } from "../core/calendar/readiness.js";
import type { Logger } from "../logging.js";
import { type NotificationMessage, renderMessage } from "./message.js";
import { route, routeReadiness } from "./routing.js";
import { send } from "./senders/index.js";
import type { NotifyStore, OutboxItem } from "./store.js";

export interface RetryPolicy {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export interface DispatcherOptions {
  store: NotifyStore;
  /** Subscribes to alert changes (AlertService.bus); returns the unsubscribe function. */
  subscribe: (listener: (change: AlertChange) => void) => () => void;
  logger: Logger;
  linkBaseUrl?: string | null;
  retry?: Partial<RetryPolicy>;
  pollIntervalMs?: number;
  now?: () => number;
}

const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, initialDelayMs: 1000, maxDelayMs: 60_000 };

/**
 * Tells people: routes each alert change to channels, queues it in the outbox (so a restart loses nothing),
 * delivers with retries and capped exponential backoff with jitter, logs every attempt, and always sends the
 * resolution of an alert to every channel that was told about it. Alerts in maintenance are not notified.
 */
export class NotificationDispatcher {
  private unsubscribe: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private readonly now: () => number;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: DispatcherOptions) {
    this.now = options.now ?? Date.now;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  start(): void {
    this.unsubscribe = this.options.subscribe((change) => this.onChange(change));
    this.timer = setInterval(() => void this.deliverDue(), this.options.pollIntervalMs ?? 250);
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  onChange(change: AlertChange): void {
    const action = change.entry?.action;
    if (!action) return;
    const { store } = this.options;
    if (change.alert.inMaintenance && action !== "resolved") return;
    const targets = route(change, store.rules());
    if (action === "resolved") for (const id of store.notifiedChannels(change.alert.id)) targets.add(id);
    const nowMs = this.now();
    for (const channelId of targets) {
      const channel = store.channel(channelId);
      if (!channel?.enabled) continue;
      const message = renderMessage(change, channel.language, this.options.linkBaseUrl ?? null);
      store.enqueue(
        `${change.alert.id}:${change.entry?.atMs}:${action}:${channelId}`,
        channelId,
        change.alert.id,
        action,
        message,
        nowMs,
      );
    }
  }

  /** The pre-opening report goes to the duty manager's channels of the hall. */
  onReadiness(report: ReadinessReport): void {
    const { store } = this.options;
    for (const channelId of routeReadiness(report.hallId, store.rules())) {
      const channel = store.channel(channelId);
      if (!channel?.enabled) continue;
      const zh = channel.language === "zh";
      const title = `${zh ? "开门前检查" : "Readiness"} · ${report.hallId} · ${report.ready ? (zh ? "已就绪" : "ready") : zh ? "未就绪" : "NOT ready"}`;
      const lines = [
        `${zh ? "未就绪设备" : "Not ready"}: ${report.notReady.map((d) => d.deviceId).join(", ") || "—"}`,
        `${zh ? "未处理故障" : "Open faults"}: ${report.openAlerts.map((a) => a.summary[channel.language]).join("; ") || "—"}`,
      ];
      const message: NotificationMessage = {
        title,
        markdown: [`**${title}**`, ...lines.map((l) => `> ${l}`)].join("\n"),
        text: [title, ...lines].join("\n"),
        payload: { readiness: report },
      };
      store.enqueue(
        `readiness:${report.hallId}:${report.openingMs}:${channelId}`,
        channelId,
        null,
        "readiness",
        message,
        this.now(),
      );
    }
  }

  /** Sends a test message through one channel now, outside the outbox; the outcome is logged too. */
  async sendTest(channelId: string): Promise<{ ok: boolean; error: string | null }> {
    const channel = this.options.store.channel(channelId);
    if (!channel) return { ok: false, error: "no such channel" };
    const title = channel.language === "zh" ? "Hallwatch 测试消息" : "Hallwatch test message";
    const message: NotificationMessage = {
      title,
      markdown: `**${title}**`,
      text: title,
      payload: { test: true },
    };
    return this.attempt(
      { id: -1, channelId, alertId: null, action: "test", message, attempts: 0 },
      channel.config,
    );
  }

  /** Delivers what is due; one pass at a time. */
  async deliverDue(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const { store } = this.options;
      for (const item of store.due(this.now(), 50)) {
        const channel = store.channel(item.channelId);
        if (!channel) {
          store.giveUp(item);
          continue;
        }
        const outcome = await this.attempt(item, channel.config);
        if (outcome.ok) {
          store.delivered(item);
        } else if (item.attempts + 1 >= this.retry.maxAttempts) {
          store.giveUp(item);
          this.options.logger.error(
            { channelId: item.channelId, alertId: item.alertId },
            "notification given up after retries",
          );
        } else {
          const base = Math.min(this.retry.maxDelayMs, this.retry.initialDelayMs * 2 ** item.attempts);
          store.retryLater(item, this.now() + Math.round(base * (0.5 + Math.random() * 0.5)));
        }
      }
    } catch (err) {
      this.options.logger.error({ err }, "notification delivery pass failed");
    } finally {
      this.busy = false;
    }
  }

  private async attempt(
    item: OutboxItem,
    config: Parameters<typeof send>[0],
  ): Promise<{ ok: boolean; error: string | null }> {
    const startedMs = this.now();
    let error: string | null = null;
    try {
      await send(config, item.message, startedMs);
    } catch (err) {
      error = (err as Error).message.slice(0, 500);
    }
    this.options.store.logDelivery({
      atMs: startedMs,
      channelId: item.channelId,
      alertId: item.alertId,
      action: item.action,
      attempt: item.attempts + 1,
      ok: error === null,
      error,
      durationMs: this.now() - startedMs,
    });
    return { ok: error === null, error };
  }
}
