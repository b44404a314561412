import { hostname } from "node:os";
import type { AlertChange } from "../alerts/alert-service.js";
import type { ReadinessReport } from "../core/calendar/readiness.js";
import type { Logger } from "../logging.js";
import type { SqlEngine, SqlExecutor } from "../store/sql/engine.js";
import type { Delivery, DeliveryFilter } from "./delivery-log.js";
import { type OutgoingNotice, outgoingNotice } from "./group-delivery.js";
import { GROUPABLE_ACTIONS, type HallLabel } from "./grouping.js";
import { type Language, type NotificationMessage, renderMessage, testMessage } from "./message.js";
import type { OutboxItem } from "./outbox.js";
import { type PersonalSenders, parsePersonTarget, type SilenceLookup } from "./people/ports.js";
import { readinessMessage } from "./readiness-message.js";
import { DEFAULT_RETRY, nextRetryDelayMs, type RetryPolicy } from "./retry-policy.js";
import { planTargets, type RoutingRule, route, routeReadiness } from "./routing.js";
import { type SendOutcome, sendAttempt } from "./send-attempt.js";
import type { Channel } from "./senders/channel.js";
import { createChannel } from "./senders/index.js";
import { NotifyStore } from "./store.js";

export interface DispatcherOptions {
  /** The database (migrated, either engine); or pass `store` to share one NotifyStore with the API. */
  sql?: SqlEngine;
  store?: NotifyStore;
  /** This node's name in outbox claims (default host:pid): several nodes may share one outbox. */
  nodeId?: string;
  /**
   * How long a claimed outbox item is this node's to send (default 6 × sendTimeoutMs, at least 1 min: past any
   * send's timeouts, SMTP's several steps included). A node that dies mid-send leaves the item to another node (or
   * to itself after a restart) once this has passed: sent at least once on a crash, exactly once otherwise.
   */
  claimMs?: number;
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
  /**
   * Whether this node sends what is queued (default true). A node without the jobs role (HALLWATCH_ROLES) only
   * queues the notices of the alerts it holds; the nodes with it send them.
   */
  deliver?: boolean;
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

export type { SendOutcome } from "./send-attempt.js";

const DONE_KEYS_KEPT_MS = 30 * 24 * 3600_000;
const MIN_CLAIM_MS = 60_000;

/**
 * Tells people about alert changes: routes each change to channels (routing.ts), renders it in each
 * channel's language, queues it in the outbox (so a restart loses nothing) and delivers each
 * channel's queue in order, with retries and capped exponential backoff with jitter. Every attempt is
 * logged. Channels are independent: a slow or failing one never holds up another. Several nodes may run a
 * dispatcher on one shared outbox: each due item is claimed by one of them (Outbox.claimDue).
 */
export class NotificationDispatcher {
  readonly store: NotifyStore;
  private readonly now: () => number;
  private readonly retry: RetryPolicy;
  private unsubscribe: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Map<string, Promise<void>>();
  private running = false;
  private readonly nodeId: string;
  /** Alert changes and readiness reports are queued one after another, in the order they came. */
  private queueing: Promise<void> = Promise.resolve();
  /** Changes not yet queued: sending waits for them, so a storm's group is not sent while it is still arriving. */
  private pendingChanges = 0;
  /** Work of others that queues notices (the personal notifier's); deliverDue waits for it. */
  private readonly upstream = new Set<Promise<unknown>>();
  /** Claim rounds run one at a time; a round asked for while one waits to start is that one. */
  private round: Promise<void> = Promise.resolve();
  private nextRound: Promise<void> | null = null;

  constructor(private readonly options: DispatcherOptions) {
    const store = options.store ?? (options.sql ? new NotifyStore(options.sql) : null);
    if (!store) throw new Error("NotificationDispatcher needs an engine or a store");
    this.store = store;
    this.now = options.now ?? Date.now;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.nodeId = options.nodeId ?? `${hostname()}:${process.pid}`;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.store.outbox
      .pruneDone(this.now() - DONE_KEYS_KEPT_MS)
      .catch((err) =>
        this.options.logger.error({ err }, "notification outbox: pruning delivered keys failed"),
      );
    this.unsubscribe = this.options.subscribe((change) => {
      void this.onChange(change);
    });
    this.timer = setInterval(() => void this.tick(), this.options.pollIntervalMs ?? 250);
    void this.tick();
  }

  /** Stops taking changes and retrying; resolves once the queueing and the sends under way have finished. */
  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.queueing;
    await this.round;
    await Promise.all(this.inFlight.values());
  }

  /**
   * Runs `fn` after everything queued before it; a failure is logged (the change is not notified), never thrown.
   * Sending waits while anything is waiting here, and starts when the last of it is queued.
   */
  private inOrder(
    what: string,
    fn: () => Promise<void>,
    context: Record<string, unknown> = {},
  ): Promise<void> {
    this.pendingChanges += 1;
    this.queueing = this.queueing
      .then(fn)
      .catch((err) => this.options.logger.error({ err, ...context }, `notification not queued: ${what}`))
      .finally(() => {
        this.pendingChanges -= 1;
        if (this.pendingChanges === 0) void this.tick();
      });
    return this.queueing;
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

  /** Queues the notices for one alert change (called for every "alert_changed" event, in order). */
  onChange(change: AlertChange): Promise<void> {
    // The time it came, not the time its turn comes: its group window starts then.
    const nowMs = this.now();
    return this.inOrder("alert change", () => this.queueChange(change, nowMs), { alertId: change.alert.id });
  }

  private async queueChange(change: AlertChange, nowMs: number): Promise<void> {
    const { alert, entry } = change;
    if (!entry) return;
    const { outbox } = this.store;
    const notified = entry.action === "resolved" ? await outbox.notifiedChannels(alert.id) : [];
    const silence = await this.silenceOf(change, nowMs);
    const rules = await this.store.rules();
    const targets = planTargets(change, rules, notified, silence !== null);
    if (silence) await this.recordHeld(change, silence.id, targets, rules, nowMs);
    const rendered = new Map<Language, NotificationMessage>();
    for (const channelId of targets) {
      const channel = await this.store.channel(channelId);
      if (!channel?.enabled) continue;
      let message = rendered.get(channel.language);
      if (!message) {
        message = renderMessage(change, channel.language, this.options.linkBaseUrl ?? null);
        rendered.set(channel.language, message);
      }
      await outbox.enqueue({
        key: `${alert.id}:${entry.action}:${entry.atMs}:${channelId}`,
        channelId,
        alertId: alert.id,
        action: entry.action,
        message,
        nowMs,
        notBeforeMs: await this.notBefore(channelId, entry.action, nowMs),
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
    rules: readonly RoutingRule[],
    nowMs: number,
  ): Promise<void> {
    const record = this.options.silences?.recordHold;
    if (!record || !change.entry) return;
    for (const target of route(change, rules))
      if (!sent.includes(target))
        await record.call(this.options.silences, {
          silenceId,
          alertId: change.alert.id,
          action: change.entry.action,
          target,
          atMs: nowMs,
        });
  }

  /** A groupable change waits for the end of its target's group window (first arrival + window). */
  async notBefore(target: string, action: string, nowMs = this.now()): Promise<number> {
    const windowMs = this.options.groupWindowMs ?? 0;
    if (windowMs <= 0 || !GROUPABLE_ACTIONS.has(action)) return nowMs;
    return this.store.outbox.groupNotBefore(target, action, nowMs, windowMs);
  }

  /** A hall's name and region for grouped notices. */
  private async hallLabel(hallId: string): Promise<HallLabel | null> {
    const row = await this.store.sql.get<{ name: string; region: string | null }>(
      "SELECT name, region FROM halls WHERE id = ?",
      [hallId],
    );
    return row ? { name: row.name, region: row.region ?? null } : null;
  }

  /** The pre-opening report goes to the duty manager's channels of the hall. */
  onReadiness(report: ReadinessReport): Promise<void> {
    const nowMs = this.now();
    return this.inOrder("readiness report", async () => {
      for (const channelId of routeReadiness(report.hallId, await this.store.rules())) {
        const channel = await this.store.channel(channelId);
        if (!channel?.enabled) continue;
        await this.store.outbox.enqueue({
          key: `readiness:${report.hallId}:${report.openingMs}:${channelId}`,
          channelId,
          alertId: null,
          action: "readiness",
          message: readinessMessage(report, channel.language),
          nowMs,
        });
      }
    });
  }

  /**
   * Queues a message that is not about an alert (a scheduled report) for each target: group channel ids, or
   * personal targets (`person:<username>:<medium>`) for whoever resolves them. Each key is queued once; call
   * `deliverDue()` after (the caller may queue inside its own transaction: pass it as `tx`). Returns the keys
   * newly queued.
   */
  async enqueueMessages(
    items: { key: string; target: string; action: string; message: NotificationMessage }[],
    tx?: SqlExecutor,
  ): Promise<string[]> {
    const nowMs = this.now();
    const queued: string[] = [];
    for (const item of items) {
      const added = await this.store.outbox.enqueue(
        {
          key: item.key,
          channelId: item.target,
          alertId: null,
          action: item.action,
          message: item.message,
          nowMs,
        },
        tx,
      );
      if (added) queued.push(item.key);
    }
    return queued;
  }

  /** Sends a test message through one channel now, outside the outbox; the attempt is logged too. */
  async sendTest(channelId: string): Promise<SendOutcome> {
    const channel = await this.store.channel(channelId);
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
  deliveries(filter: DeliveryFilter = {}): Promise<{ items: Delivery[]; total: number }> {
    return this.store.log.query(filter);
  }

  /**
   * Waits for the changes already handed over and the tracked work to be queued, starts every due channel queue
   * that is not already sending, and waits for all sends under way.
   */
  async deliverDue(): Promise<void> {
    await this.settled();
    await this.tick();
    await Promise.all(this.inFlight.values());
  }

  /** Waits until the alert changes and the tracked work so far have queued their notices. */
  private async settled(): Promise<void> {
    for (;;) {
      const queueing = this.queueing;
      await Promise.all([queueing, ...this.upstream]);
      if (queueing === this.queueing && this.upstream.size === 0) return;
    }
  }

  /**
   * Asks for a claim round: one runs at a time, and one asked for before it starts serves every asker. None while
   * changes wait to be queued (the last one asks when it is queued).
   */
  private tick(): Promise<void> {
    if (!this.running || this.pendingChanges > 0 || this.options.deliver === false) return Promise.resolve();
    if (this.nextRound) return this.nextRound;
    const next = this.round.then(() => {
      this.nextRound = null;
      return this.claimAndSend();
    });
    this.nextRound = next;
    this.round = next;
    return next;
  }

  /** Claims the due heads of channel queues that no node holds and sends each outside the claim's transaction. */
  private async claimAndSend(): Promise<void> {
    if (!this.running) return;
    let heads: OutboxItem[];
    try {
      heads = await this.store.outbox.claimDue(
        this.nodeId,
        this.now(),
        this.options.claimMs ?? Math.max(MIN_CLAIM_MS, 6 * (this.options.sendTimeoutMs ?? 10_000)),
      );
    } catch (err) {
      this.options.logger.error({ err }, "notification outbox unreadable");
      return;
    }
    for (const item of heads) {
      // Only when this node's own claim expired mid-send (a send past claimMs): that send finishes it, or not.
      if (this.inFlight.has(item.channelId)) continue;
      const run = this.deliver(item)
        .catch((err) =>
          this.options.logger.error({ err, channelId: item.channelId }, "notification delivery failed"),
        )
        .finally(() => {
          this.inFlight.delete(item.channelId);
          void this.tick();
        });
      this.inFlight.set(item.channelId, run);
    }
  }

  /**
   * The sender of an outbox target: a group channel's, or for `person:` targets the person's medium through
   * PersonalSenders (issue 14). A string: why there is none (the item is dropped, and the log says so).
   */
  private async senderFor(
    targetId: string,
  ): Promise<{ send: () => Channel; language: Language } | "channel_disabled" | "channel_missing"> {
    const options = { timeoutMs: this.options.sendTimeoutMs ?? 10_000, now: this.now };
    const person = parsePersonTarget(targetId);
    if (person) {
      const sender =
        (await this.options.personalSenders?.senderFor(person.username, person.medium, options)) ?? null;
      const language = this.options.languageOf?.(person.username) ?? "zh";
      return sender ? { send: () => sender, language } : "channel_missing";
    }
    const channel = await this.store.channel(targetId);
    if (!channel) return "channel_missing";
    if (!channel.enabled) return "channel_disabled";
    return { send: () => createChannel(channel.config, options), language: channel.language };
  }

  private async deliver(item: OutboxItem): Promise<void> {
    const { outbox } = this.store;
    const target = await this.senderFor(item.channelId);
    const meta = { alertId: item.alertId, action: item.action, attempt: item.attempts + 1 };
    if (typeof target === "string") {
      const code = target;
      await this.store.log.add({
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
      await outbox.giveUp(item, [item]);
      return;
    }
    const notice = await this.noticeFor(item, target.language);
    const outcome = await this.attempt(
      item.channelId,
      target.send,
      notice.message,
      notice.group ? { ...meta, alertId: null } : meta,
      notice.group,
    );
    if (outcome.ok) {
      const atMs = this.now();
      if (!(await outbox.done(item, notice.items, atMs))) {
        this.claimLost(item);
        return;
      }
      for (const one of notice.items) this.options.onDelivered?.(one, atMs);
      return;
    }
    const delayMs = nextRetryDelayMs(this.retry, item.attempts + 1, this.options.random);
    if (delayMs === null) {
      if (!(await outbox.giveUp(item, notice.items))) return this.claimLost(item);
      this.options.logger.warn(
        {
          channelId: item.channelId,
          alertId: item.alertId,
          action: item.action,
          attempts: item.attempts + 1,
        },
        "notification given up after its last attempt",
      );
    } else if (!(await outbox.retry(item, notice.items, this.now() + delayMs))) this.claimLost(item);
  }

  /** This node stalled past its claim and another node took the item over: that node's outcome counts. */
  private claimLost(item: OutboxItem): void {
    this.options.logger.warn(
      { channelId: item.channelId, key: item.key, nodeId: this.nodeId },
      "notification claim expired and was taken over: this node's outcome is dropped",
    );
  }

  /** The head of a target's queue, or with grouping on, every due message of its target and action as one. */
  private noticeFor(item: OutboxItem, language: Language): Promise<OutgoingNotice> {
    return outgoingNotice(this.store.outbox, item, {
      nowMs: this.now(),
      grouping: (this.options.groupWindowMs ?? 0) > 0,
      language,
      halls: (id) => this.hallLabel(id),
      linkBaseUrl: this.options.linkBaseUrl ?? null,
    });
  }

  private attempt(
    channelId: string,
    makeSender: () => Channel,
    message: NotificationMessage,
    meta: { alertId: string | null; action: string; attempt: number },
    group: { size: number; summary: string } | null = null,
  ): Promise<SendOutcome> {
    const { logger, loadAttachment } = this.options;
    const deps = {
      now: this.now,
      logger,
      log: this.store.log,
      ...(loadAttachment ? { loadAttachment } : {}),
    };
    return sendAttempt(deps, channelId, makeSender, message, meta, group);
  }
}
