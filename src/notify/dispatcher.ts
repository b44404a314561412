import { performance } from "node:perf_hooks";
import type { AlertChange } from "../alerts/alert-service.js";
import type { ReadinessReport } from "../core/calendar/readiness.js";
import type { Logger } from "../logging.js";
import type { Db } from "../store/database.js";
import type { Delivery, DeliveryFilter } from "./delivery-log.js";
import { type OutgoingNotice, outgoingNotice } from "./group-delivery.js";
import { GROUPABLE_ACTIONS, type HallLabel } from "./grouping.js";
import { type Language, type NotificationMessage, renderMessage, testMessage } from "./message.js";
import type { OutboxItem } from "./outbox.js";
import { type PersonalSenders, parsePersonTarget, type SilenceLookup } from "./people/ports.js";
import { readinessMessage } from "./readiness-message.js";
import { DEFAULT_RETRY, nextRetryDelayMs, type RetryPolicy } from "./retry-policy.js";
import { planTargets, route, routeReadiness } from "./routing.js";
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
  loadAttachment?: (ref: string) => Promise<Buffer | null> | Buffer | null;
  /** Senders for personal targets (`person:<username>:<medium>`); without them such items fail as unreachable. */
  personalSenders?: PersonalSenders;
  /** Told when an item was accepted by its receiver (personal notices put this on the alert's timeline). */
  onDelivered?: (item: OutboxItem, atMs: number) => void;
  /** The language of a person's notices (grouped personal notices are summarised in it); default zh. */
  languageOf?: (username: string) => Language | null;
  /**
   * Storm grouping: alert changes for one target and action arriving within this window are sent as one notice
   * (config `notify.groupWindowMs`, 30 s in the server). 0 or omitted: each change goes out at once on its own.
   */
  groupWindowMs?: number;
  /** Silences stop notices (never uptime); each notice held is recorded where `recordHold` is given. */
  silences?: SilenceLookup & { recordHold?(hold: HeldNotice): Promise<void> };
}

/** A notice a silence stopped: which silence, which alert change, and which target would have been told. */
export interface HeldNotice {
  silenceId: string;
  alertId: string;
  action: string;
  target: string;
  atMs: number;
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
  /** Alert changes are queued one after the other (each awaits the silences), in the order they happened. */
  private changes: Promise<void> = Promise.resolve();
  /** Changes not yet queued: sending waits for them, so a storm's group is not sent while it is still arriving. */
  private pendingChanges = 0;
  /** Work of others that queues notices (the personal notifier's); deliverDue waits for it. */
  private readonly upstream = new Set<Promise<unknown>>();
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
    this.unsubscribe = this.options.subscribe((change) => void this.onChange(change));
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
    await this.changes;
    await Promise.all(this.inFlight.values());
  }

  /**
   * Queues the notices for one alert change (called for every "alert_changed" event). Changes are handled in the
   * order they came, one at a time; the promise settles when this one's notices are queued (a failure is logged).
   */
  onChange(change: AlertChange): Promise<void> {
    // The change's own instant, taken now: silences, storm windows and queue times are judged when it happened.
    const atMs = this.now();
    this.pendingChanges += 1;
    const next = this.changes
      .then(() => this.queueChange(change, atMs))
      .catch((err) =>
        this.options.logger.error(
          { err, alertId: change.alert.id },
          "notices for an alert change not queued",
        ),
      )
      .finally(() => {
        this.pendingChanges -= 1;
        if (this.pendingChanges === 0) this.tick();
      });
    this.changes = next;
    return next;
  }

  /** Lets deliverDue wait for work elsewhere that queues notices (the personal notifier's). */
  track(work: Promise<unknown>): void {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.upstream.add(settled);
    void settled.then(() => this.upstream.delete(settled));
  }

  private async queueChange(change: AlertChange, nowMs: number): Promise<void> {
    const { alert, entry } = change;
    if (!entry) return;
    const silence = await this.silenceOf(change, nowMs);
    const notified = entry.action === "resolved" ? this.store.outbox.notifiedChannels(alert.id) : [];
    const targets = planTargets(change, this.store.rules(), notified, silence !== null);
    if (silence) await this.recordHeld(change, silence.id, targets, nowMs);
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
        nowMs,
        notBeforeMs: this.notBefore(channelId, entry.action, nowMs),
      });
    }
  }

  /** The silence in force for a change's alert, if any (an alert in maintenance is not notified anyway). */
  private async silenceOf(change: AlertChange, nowMs: number): Promise<{ id: string } | null> {
    if (!this.options.silences || change.alert.inMaintenance) return null;
    return this.options.silences.silencing(change.alert, nowMs);
  }

  /** Records each target the rules would have told but the silence held (why people were not told). */
  private async recordHeld(
    change: AlertChange,
    silenceId: string,
    sent: readonly string[],
    atMs: number,
  ): Promise<void> {
    const record = this.options.silences?.recordHold;
    if (!record || !change.entry) return;
    for (const target of route(change, this.store.rules()))
      if (!sent.includes(target))
        await record.call(this.options.silences, {
          silenceId,
          alertId: change.alert.id,
          action: change.entry.action,
          target,
          atMs,
        });
  }

  /** A groupable change waits for the end of its target's group window (first arrival + window). */
  notBefore(target: string, action: string, nowMs = this.now()): number {
    const windowMs = this.options.groupWindowMs ?? 0;
    if (windowMs <= 0 || !GROUPABLE_ACTIONS.has(action)) return nowMs;
    return this.store.outbox.groupNotBefore(target, action, nowMs, windowMs);
  }

  /** A hall's name and region for grouped notices. */
  private hallLabel(hallId: string): HallLabel | null {
    const row = this.store.db.prepare("SELECT name, region FROM halls WHERE id = ?").get(hallId) as
      | { name: string; region: string | null }
      | undefined;
    return row ? { name: row.name, region: row.region ?? null } : null;
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
    await this.settled();
    this.tick();
    await Promise.all(this.inFlight.values());
  }

  /** Waits until the alert changes and the tracked work so far have queued their notices. */
  private async settled(): Promise<void> {
    for (;;) {
      const changes = this.changes;
      await Promise.all([changes, ...this.upstream]);
      if (changes === this.changes && this.upstream.size === 0) return;
    }
  }

  private tick(): void {
    if (!this.running || this.pendingChanges > 0) return;
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
  private senderFor(
    targetId: string,
  ): { send: () => Channel; language: Language } | "channel_disabled" | "channel_missing" {
    const options = { timeoutMs: this.options.sendTimeoutMs ?? 10_000, now: this.now };
    const person = parsePersonTarget(targetId);
    if (person) {
      const sender = this.options.personalSenders?.senderFor(person.username, person.medium, options) ?? null;
      const language = this.options.languageOf?.(person.username) ?? "zh";
      return sender ? { send: () => sender, language } : "channel_missing";
    }
    const channel = this.store.channel(targetId);
    if (!channel) return "channel_missing";
    if (!channel.enabled) return "channel_disabled";
    return { send: () => createChannel(channel.config, options), language: channel.language };
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
    const notice = this.noticeFor(item, target.language);
    const outcome = await this.attempt(
      item.channelId,
      target.send,
      notice.message,
      notice.group ? { ...meta, alertId: null } : meta,
      notice.group,
    );
    if (outcome.ok) {
      const atMs = this.now();
      for (const one of notice.items) {
        outbox.delivered(one, atMs);
        this.options.onDelivered?.(one, atMs);
      }
      return;
    }
    const delayMs = nextRetryDelayMs(this.retry, item.attempts + 1, this.options.random);
    if (delayMs === null) {
      for (const one of notice.items) outbox.giveUp(one);
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
      for (const one of notice.items) outbox.retryLater(one, this.now() + delayMs);
    }
  }

  /** The head of a target's queue, or with grouping on, every due message of its target and action as one. */
  private noticeFor(item: OutboxItem, language: Language): OutgoingNotice {
    return outgoingNotice(this.store.outbox, item, {
      nowMs: this.now(),
      grouping: (this.options.groupWindowMs ?? 0) > 0,
      language,
      halls: (id) => this.hallLabel(id),
      linkBaseUrl: this.options.linkBaseUrl ?? null,
    });
  }

  /** The message with its attachments' content loaded; a stored file that is gone is left out (and logged). */
  private async withAttachments(message: NotificationMessage): Promise<NotificationMessage> {
    if (!message.attachments?.some((a) => a.ref !== undefined)) return message;
    const loaded = await Promise.all(
      message.attachments.map(async (a) =>
        a.ref === undefined ? null : ((await this.options.loadAttachment?.(a.ref)) ?? null),
      ),
    );
    const attachments = message.attachments.flatMap((a, i) => {
      if (a.ref === undefined) return [a];
      const content = loaded[i] ?? null;
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
    group: { size: number; summary: string } | null = null,
  ): Promise<SendOutcome> {
    const atMs = this.now();
    const started = performance.now();
    let outcome: Omit<SendOutcome, "durationMs">;
    try {
      const sender = makeSender();
      const receipt = await sender.send(await this.withAttachments(message));
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
    this.store.log.add({
      ...meta,
      ...outcome,
      atMs,
      channelId,
      durationMs,
      groupSize: group?.size ?? null,
      summary: group?.summary ?? null,
    });
    return { ...outcome, durationMs };
  }
}
