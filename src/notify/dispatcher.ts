import { performance } from "node:perf_hooks";
import type { AlertChange } from "../alerts/alert-service.js";
import type { ReadinessReport } from "../core/calendar/readiness.js";
import type { Logger } from "../logging.js";
import type { Db } from "../store/database.js";
import type { Delivery, DeliveryFilter } from "./delivery-log.js";
import { type Language, type NotificationMessage, renderMessage, testMessage } from "./message.js";
import type { OutboxItem } from "./outbox.js";
import { type PersonalSenders, parsePersonTarget } from "./people/ports.js";
import { readinessMessage } from "./readiness-message.js";
import { DEFAULT_RETRY, nextRetryDelayMs, type RetryPolicy } from "./retry-policy.js";
import { planTargets, routeReadiness } from "./routing.js";
import type { Channel } from "./senders/channel.js";
import { ChannelError, createChannel } from "./senders/index.js";
import { NotifyStore } from "./store.js";

export interface DispatcherOptions {
  /** The SQLite database (migrated); or pass `store` to share one NotifyStore with the API. */
  db?: Db;
  store?: NotifyStore;
  /** Subscribes to alert changes (`(l) => alertService.bus.on("alert_changed", l)`); returns the unsubscribe. */
  subscribe: (listener: (change: AlertChange) => void) => () => void;
  logger: Logger;
  /** The console's public address, for links in messages. */
  linkBaseUrl?: string | null;
  retry?: Partial<RetryPolicy>;
  /** How often the outbox is checked for due retries (default 250 ms). */
  pollIntervalMs?: number;
  /** Per HTTP request or SMTP step (default 10 s). */
  sendTimeoutMs?: number;
  now?: () => number;
  random?: () => number;
  /** Loads an attachment stored by reference (scheduled reports' PDFs), at send time. */
  loadAttachment?: (ref: string) => Buffer | null;
  /** Senders for personal targets (`person:<username>:<medium>`); without them such items fail as unreachable. */
  personalSenders?: PersonalSenders;
  /** Told when an item was accepted by its receiver (personal notices put this on the alert's timeline). */
  onDelivered?: (item: OutboxItem, atMs: number) => void;
}

export interface SendOutcome {
  ok: boolean;
  error: string | null;
  errorCode: string | null;
  httpStatus: number | null;
  durationMs: number;
}

const DONE_KEYS_KEPT_MS = 30 * 24 * 3600_000;

/**
 * Tells people about alert changes: routes each change to channels (routing.ts), renders it in each
 * channel's language, queues it in the SQLite outbox (so a restart loses nothing) and delivers each
 * channel's queue in order, with retries and capped exponential backoff with jitter. Every attempt is
 * logged. Channels are independent: a slow or failing one never holds up another.
 */
export class NotificationDispatcher {
  readonly store: NotifyStore;
  private readonly now: () => number;
  private readonly retry: RetryPolicy;
  private unsubscribe: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Map<string, Promise<void>>();
  private running = false;

  constructor(private readonly options: DispatcherOptions) {
    const store = options.store ?? (options.db ? new NotifyStore(options.db) : null);
    if (!store) throw new Error("NotificationDispatcher needs a db or a store");
    this.store = store;
    this.now = options.now ?? Date.now;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.store.outbox.pruneDone(this.now() - DONE_KEYS_KEPT_MS);
    this.unsubscribe = this.options.subscribe((change) => this.onChange(change));
    this.timer = setInterval(() => this.tick(), this.options.pollIntervalMs ?? 250);
    this.tick();
  }

  /** Stops taking changes and retrying; resolves once the sends under way have finished. */
  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all(this.inFlight.values());
  }

  /** Queues the notices for one alert change (called for every "alert_changed" event). */
  onChange(change: AlertChange): void {
    const { alert, entry } = change;
    if (!entry) return;
    const notified = entry.action === "resolved" ? this.store.outbox.notifiedChannels(alert.id) : [];
    const targets = planTargets(change, this.store.rules(), notified);
    const rendered = new Map<Language, NotificationMessage>();
    for (const channelId of targets) {
      const channel = this.store.channel(channelId);
      if (!channel?.enabled) continue;
      let message = rendered.get(channel.language);
      if (!message) {
        message = renderMessage(change, channel.language, this.options.linkBaseUrl ?? null);
        rendered.set(channel.language, message);
      }
      this.store.outbox.enqueue({
        key: `${alert.id}:${entry.action}:${entry.atMs}:${channelId}`,
        channelId,
        alertId: alert.id,
        action: entry.action,
        message,
        nowMs: this.now(),
      });
    }
    if (targets.length > 0) this.tick();
  }

  /** The pre-opening report goes to the duty manager's channels of the hall. */
  onReadiness(report: ReadinessReport): void {
    for (const channelId of routeReadiness(report.hallId, this.store.rules())) {
      const channel = this.store.channel(channelId);
      if (!channel?.enabled) continue;
      this.store.outbox.enqueue({
        key: `readiness:${report.hallId}:${report.openingMs}:${channelId}`,
        channelId,
        alertId: null,
        action: "readiness",
        message: readinessMessage(report, channel.language),
        nowMs: this.now(),
      });
    }
    this.tick();
  }

  /**
   * Queues a message that is not about an alert (a scheduled report) for each target: group channel ids, or
   * personal targets (`person:<username>:<medium>`) for whoever resolves them. Each key is queued once; call
   * `deliverDue()` after (the caller may queue inside its own transaction). Returns the keys newly queued.
   */
  enqueueMessages(
    items: { key: string; target: string; action: string; message: NotificationMessage }[],
  ): string[] {
    const nowMs = this.now();
    return items
      .filter((item) =>
        this.store.outbox.enqueue({
          key: item.key,
          channelId: item.target,
          alertId: null,
          action: item.action,
          message: item.message,
          nowMs,
        }),
      )
      .map((item) => item.key);
  }

  /** Sends a test message through one channel now, outside the outbox; the attempt is logged too. */
  async sendTest(channelId: string): Promise<SendOutcome> {
    const channel = this.store.channel(channelId);
    if (!channel)
      return {
        ok: false,
        error: "no such channel",
        errorCode: "channel_missing",
        httpStatus: null,
        durationMs: 0,
      };
    const options = { timeoutMs: this.options.sendTimeoutMs ?? 10_000, now: this.now };
    return this.attempt(
      channel.id,
      () => createChannel(channel.config, options),
      testMessage(channel.language, channel.name),
      {
        alertId: null,
        action: "test",
        attempt: 1,
      },
    );
  }

  /** The delivery log, newest first, filtered and paged. */
  deliveries(filter: DeliveryFilter = {}): { items: Delivery[]; total: number } {
    return this.store.log.query(filter);
  }

  /** Starts every due channel queue that is not already sending, and waits for all sends under way. */
  async deliverDue(): Promise<void> {
    this.tick();
    await Promise.all(this.inFlight.values());
  }

  private tick(): void {
    if (!this.running) return;
    let heads: OutboxItem[];
    try {
      heads = this.store.outbox.dueHeads(this.now());
    } catch (err) {
      this.options.logger.error({ err }, "notification outbox unreadable");
      return;
    }
    for (const item of heads) {
      if (this.inFlight.has(item.channelId)) continue;
      const run = this.deliver(item)
        .catch((err) =>
          this.options.logger.error({ err, channelId: item.channelId }, "notification delivery failed"),
        )
        .finally(() => {
          this.inFlight.delete(item.channelId);
          this.tick();
        });
      this.inFlight.set(item.channelId, run);
    }
  }

  /**
   * The sender of an outbox target: a group channel's, or for `person:` targets the person's medium through
   * PersonalSenders (issue 14). A string: why there is none (the item is dropped, and the log says so).
   */
  private senderFor(targetId: string): { send: () => Channel } | "channel_disabled" | "channel_missing" {
    const options = { timeoutMs: this.options.sendTimeoutMs ?? 10_000, now: this.now };
    const person = parsePersonTarget(targetId);
    if (person) {
      const sender = this.options.personalSenders?.senderFor(person.username, person.medium, options) ?? null;
      return sender ? { send: () => sender } : "channel_missing";
    }
    const channel = this.store.channel(targetId);
    if (!channel) return "channel_missing";
    if (!channel.enabled) return "channel_disabled";
    return { send: () => createChannel(channel.config, options) };
  }

  private async deliver(item: OutboxItem): Promise<void> {
    const { outbox } = this.store;
    const target = this.senderFor(item.channelId);
    const meta = { alertId: item.alertId, action: item.action, attempt: item.attempts + 1 };
    if (typeof target === "string") {
      const code = target;
      this.store.log.add({
        ...meta,
        atMs: this.now(),
        channelId: item.channelId,
        ok: false,
        error:
          code === "channel_disabled"
            ? "channel disabled: message dropped"
            : "channel removed: message dropped",
        errorCode: code,
        httpStatus: null,
        durationMs: 0,
      });
      outbox.giveUp(item);
      return;
    }
    const outcome = await this.attempt(item.channelId, target.send, item.message, meta);
    if (outcome.ok) {
      const atMs = this.now();
      outbox.delivered(item, atMs);
      this.options.onDelivered?.(item, atMs);
      return;
    }
    const delayMs = nextRetryDelayMs(this.retry, item.attempts + 1, this.options.random);
    if (delayMs === null) {
      outbox.giveUp(item);
      this.options.logger.warn(
        {
          channelId: item.channelId,
          alertId: item.alertId,
          action: item.action,
          attempts: item.attempts + 1,
        },
        "notification given up after its last attempt",
      );
    } else {
      outbox.retryLater(item, this.now() + delayMs);
    }
  }

  /** The message with its attachments' content loaded; a stored file that is gone is left out (and logged). */
  private withAttachments(message: NotificationMessage): NotificationMessage {
    if (!message.attachments?.some((a) => a.ref !== undefined)) return message;
    const attachments = message.attachments.flatMap((a) => {
      if (a.ref === undefined) return [a];
      const content = this.options.loadAttachment?.(a.ref) ?? null;
      if (!content) {
        this.options.logger.warn(
          { ref: a.ref, filename: a.filename },
          "attachment no longer stored: sent without it",
        );
        return [];
      }
      return [
        { filename: a.filename, contentType: a.contentType, contentBase64: content.toString("base64") },
      ];
    });
    return { ...message, attachments };
  }

  private async attempt(
    channelId: string,
    makeSender: () => Channel,
    message: NotificationMessage,
    meta: { alertId: string | null; action: string; attempt: number },
  ): Promise<SendOutcome> {
    const atMs = this.now();
    const started = performance.now();
    let outcome: Omit<SendOutcome, "durationMs">;
    try {
      const sender = makeSender();
      const receipt = await sender.send(this.withAttachments(message));
      outcome = { ok: true, error: null, errorCode: null, httpStatus: receipt.httpStatus };
    } catch (err) {
      const e = err instanceof ChannelError ? err : null;
      outcome = {
        ok: false,
        error: (err as Error).message.slice(0, 500),
        errorCode: e?.code ?? "internal",
        httpStatus: e?.httpStatus ?? null,
      };
      this.options.logger.debug(
        { channelId, alertId: meta.alertId, errorCode: outcome.errorCode },
        "notification attempt failed",
      );
    }
    const durationMs = Math.round(performance.now() - started);
    this.store.log.add({ ...meta, ...outcome, atMs, channelId, durationMs });
    return { ...outcome, durationMs };
  }
}
