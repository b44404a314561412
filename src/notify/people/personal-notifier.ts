import type { AlertChange } from "../../alerts/alert-service.js";
import type { Alert, HistoryAction, HistoryEntry } from "../../core/alerts/alert.js";
import { chainFor, dueStep, type EscalationChain } from "../../core/escalation/chain.js";
import type { Role } from "../../core/faults/types.js";
import type { Logger } from "../../logging.js";
import type { SqlEngine, SqlExecutor } from "../../store/sql/engine.js";
import type { Language, NotificationMessage } from "../message.js";
import type { OutboxPort } from "../outbox.js";
import type { ActionLinks } from "./action-links.js";
import type { AlertProgress, ChainPort } from "./chains.js";
import { type Notice, renderNotice } from "./personal-notice.js";
import {
  type ContactBook,
  type DutyLookup,
  type PersonalMedium,
  parsePersonTarget,
  personTarget,
  type SilenceLookup,
} from "./ports.js";

export interface PersonalNotifierOptions {
  /**
   * The engine the outbox and the chains run on: a step's notices and its chain progress are written in one of its
   * transactions.
   */
  sql: SqlEngine;
  /** Escalation chains and each alert's progress along them (on `sql`). */
  chains: ChainPort;
  /** The dispatcher's outbox: personal notices queue there per target, like group channels. */
  outbox: OutboxPort;
  subscribe: (listener: (change: AlertChange) => void) => () => void;
  /** The alerts as the alert service keeps them, and where a notice is put on an alert's timeline. */
  alerts: {
    get(id: string): { alert: Alert } | null;
    recordNotice(id: string, username: string, detail: Record<string, unknown>): unknown;
  };
  duty: DutyLookup;
  contacts: ContactBook;
  silences?: SilenceLookup;
  /** A user's language; null for an unknown or disabled user (never notified). */
  languageOf: (username: string) => Language | null;
  /** Signs the one-tap links; without it (or without linkBaseUrl) notices carry no link. */
  links?: ActionLinks;
  linkBaseUrl: string | null;
  logger: Logger;
  /** Told after notices were queued (the dispatcher's deliverDue). */
  onQueued?: () => void;
  /** Told of each piece of work that may queue notices (the dispatcher's track, so deliverDue waits for it). */
  track?: (work: Promise<unknown>) => void;
  /** When a notice for a target may go out (the dispatcher's storm-grouping window); absent: at once. */
  notBefore?: (target: string, action: string, nowMs: number) => Promise<number>;
  /** How often chains are checked for due steps (default 1 s). */
  tickIntervalMs?: number;
  now?: () => number;
}

/** Changes that tell people; updates, comments and the notices' own entries never do. */
const NOTIFYING: ReadonlySet<HistoryAction> = new Set(["opened", "reopened", "escalated", "reminded"]);

/**
 * Tells people in person (issue 14): each notifying change of an alert goes to the people on duty for its hall and
 * audience, over their media, in their language, with a signed one-tap link; where an escalation chain is configured
 * for the alert's severity (and hall), its steps decide who is told and when instead, until someone acknowledges.
 * The person an alert is assigned to is told too. Notices queue in the dispatcher's outbox as
 * `person:<username>:<medium>` targets and go on the alert's timeline.
 */
export class PersonalNotifier {
  readonly chains: ChainPort;
  private readonly now: () => number;
  private unsubscribe: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Changes and ticks run one at a time, in order: a chain is started before a later change finishes it. */
  private work: Promise<void> = Promise.resolve();
  private tickWaiting: Promise<void> | null = null;

  constructor(private readonly options: PersonalNotifierOptions) {
    this.chains = options.chains;
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (this.unsubscribe) return;
    // After the change has reached every listener: the notices' own "notified" changes then follow it everywhere
    // (stream, MQTT) instead of overtaking it.
    this.unsubscribe = this.options.subscribe((change) => {
      const atMs = this.now(); // when it came, not when its turn comes
      queueMicrotask(() => {
        void this.serially(
          () => this.onChange(change, atMs),
          (err) => this.options.logger.error({ err, alertId: change.alert.id }, "personal notices failed"),
        );
      });
    });
    this.timer = setInterval(() => void this.tick(), this.options.tickIntervalMs ?? 1000);
    void this.tick();
  }

  /** Stops taking changes and ticking; resolves once the work under way has finished. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.work;
  }

  /** Whatever is queued so far (changes, ticks) has run; for tests and shutdown. */
  idle(): Promise<void> {
    return this.work;
  }

  /** Runs `fn` after the work queued before it; a failure is reported to `onError`, never thrown. */
  private serially(fn: () => Promise<void>, onError: (err: unknown) => void): Promise<void> {
    const next = this.work.then(fn).catch(onError);
    this.work = next;
    this.options.track?.(next);
    return next;
  }

  async onChange(change: AlertChange, nowMs = this.now()): Promise<void> {
    const { alert, entry } = change;
    if (!entry) return;
    if (entry.action === "acknowledged") await this.chains.finish(alert.id);
    if (entry.action === "resolved") {
      await this.chains.finish(alert.id);
      await this.tellResolution(alert, entry.atMs, nowMs);
      return;
    }
    if (entry.action === "assigned") {
      await this.tellAssignee(alert, entry, nowMs);
      return;
    }
    if (!NOTIFYING.has(entry.action) || alert.inMaintenance) return;
    const chain = chainFor(await this.chains.chains(), alert);
    if (chain) {
      if (entry.action === "opened" || entry.action === "reopened") {
        await this.chains.start(alert.id, chain.id, alert.raisedMs);
        await this.runDueSteps();
      }
      return; // the chain, not the role-level escalation, decides who is told next
    }
    if (await this.options.silences?.silencing(alert, nowMs)) return;
    const roles = entry.action === "escalated" ? (change.escalatedTo ?? []) : alert.audience;
    const notices = this.onDuty(alert, roles, entry.atMs).map(
      (username): Notice => ({
        alert,
        action: entry.action,
        username,
        via: [],
        key: `${alert.id}:${entry.action}:${entry.atMs}`,
        detail: { action: entry.action },
      }),
    );
    await this.send(notices, nowMs);
  }

  /** Runs every escalation step that is due, after the changes queued before; resolves when done. */
  tick(): Promise<void> {
    if (!this.unsubscribe) return Promise.resolve();
    // A tick still waiting its turn covers this one: slow storage never piles ticks up.
    if (this.tickWaiting) return this.tickWaiting;
    const tick = this.serially(
      () => {
        this.tickWaiting = null;
        return this.runDueSteps();
      },
      (err) => this.options.logger.error({ err }, "escalation chain tick failed"),
    );
    this.tickWaiting = tick;
    return tick;
  }

  private async runDueSteps(): Promise<void> {
    const chains = new Map((await this.chains.chains()).map((c) => [c.id, c]));
    for (const progress of await this.chains.running())
      await this.advance(progress, chains.get(progress.chainId));
  }

  private async advance(progress: AlertProgress, chain: EscalationChain | undefined): Promise<void> {
    const alert = this.options.alerts.get(progress.alertId)?.alert;
    if (!chain || !alert || alert.status !== "open" || alert.raisedMs !== progress.raisedMs) {
      await this.chains.finish(progress.alertId);
      return;
    }
    const nowMs = this.now();
    let done = { stepsDone: progress.stepsDone, repeatsDone: progress.repeatsDone };
    for (
      let due = dueStep(chain, progress.raisedMs, done, nowMs);
      due;
      due = dueStep(chain, progress.raisedMs, done, nowMs)
    ) {
      const step = chain.steps[due.index];
      if (!step) break;
      // Maintenance and silences skip a step rather than hold it: no burst of old steps when they end.
      const quiet = alert.inMaintenance || (await this.options.silences?.silencing(alert, nowMs));
      const people = quiet
        ? []
        : "user" in step.target
          ? [step.target.user]
          : this.onDuty(alert, [step.target.onDuty], nowMs);
      const action: HistoryAction = due.index === 0 && due.repeat === 0 ? "opened" : "escalated";
      const notices = people.map(
        (username): Notice => ({
          alert,
          action,
          username,
          via: step.via as PersonalMedium[],
          key: `${alert.id}:${alert.raisedMs}:chain:${due.index}:${due.repeat}`,
          detail: { action, step: due.index + 1, repeat: due.repeat, chain: chain.id },
        }),
      );
      done = due.next;
      // The step's notices and its progress commit together: a restart neither repeats nor skips the step.
      const progressed = done;
      await this.send(notices, nowMs, (tx) => this.chains.advance(alert.id, progressed, tx));
    }
  }

  private onDuty(alert: Alert, roles: readonly Role[], atMs: number): string[] {
    const people = new Set<string>();
    for (const role of roles)
      for (const u of this.options.duty.onDuty(alert.hallId, role, atMs)) people.add(u);
    return [...people];
  }

  /**
   * The person an alert was handed to is told, like a step's target: their preferred medium, the one-tap link,
   * quiet hours unless critical. A person's deliberate choice, so neither a silence nor maintenance holds it; nobody
   * is told of an alert they took themselves.
   */
  private async tellAssignee(alert: Alert, entry: HistoryEntry, nowMs: number): Promise<void> {
    const assignee = entry.detail?.assignee;
    if (typeof assignee !== "string" || assignee === entry.by) return;
    const notice: Notice = {
      alert,
      action: "assigned",
      username: assignee,
      via: [],
      key: `${alert.id}:assigned:${entry.atMs}`,
      detail: { action: "assigned", by: entry.by },
      ...(entry.by ? { by: entry.by } : {}),
    };
    await this.send([notice], nowMs);
  }

  /** A resolution reaches everyone told about the alert, over the media they were told on. */
  private async tellResolution(alert: Alert, atMs: number, nowMs: number): Promise<void> {
    const told = new Map<string, PersonalMedium[]>();
    for (const target of await this.options.outbox.notifiedChannels(alert.id)) {
      const person = parsePersonTarget(target);
      if (person) told.set(person.username, [...(told.get(person.username) ?? []), person.medium]);
    }
    await this.send(
      [...told].map(([username, via]) => ({
        alert,
        action: "resolved" as const,
        username,
        via,
        key: `${alert.id}:resolved:${atMs}`,
        detail: { action: "resolved" },
        always: true,
      })),
      nowMs,
    );
  }

  /** Queues the notices (and writes `alongside`, if given) in one transaction, then puts them on the timeline. */
  private async send(
    notices: Notice[],
    nowMs: number,
    alongside?: (tx: SqlExecutor) => Promise<void>,
  ): Promise<void> {
    // Read before the transaction: inside it only its own statements are awaited.
    const planned: {
      notice: Notice;
      medium: PersonalMedium;
      message: NotificationMessage;
      notBeforeMs?: number;
    }[] = [];
    for (const notice of notices)
      for (const { medium, message } of renderNotice(notice, nowMs, this.options)) {
        const target = personTarget(notice.username, medium);
        // Storm grouping applies to people as to channels: one notice per person and medium per window.
        const notBefore = this.options.notBefore;
        planned.push({
          notice,
          medium,
          message,
          ...(notBefore ? { notBeforeMs: await notBefore(target, notice.action, nowMs) } : {}),
        });
      }
    if (planned.length === 0 && !alongside) return;
    const queued: { notice: Notice; medium: PersonalMedium }[] = [];
    await this.options.sql.transaction(async (tx) => {
      for (const { notice, medium, message, notBeforeMs } of planned) {
        const target = personTarget(notice.username, medium);
        const added = await this.options.outbox.enqueue(
          {
            key: `${notice.key}:${target}`,
            channelId: target,
            alertId: notice.alert.id,
            action: notice.action,
            message,
            nowMs,
            ...(notBeforeMs !== undefined ? { notBeforeMs } : {}),
          },
          tx,
        );
        if (added) queued.push({ notice, medium });
      }
      await alongside?.(tx);
    });
    for (const { notice, medium } of queued)
      this.options.alerts.recordNotice(notice.alert.id, notice.username, { ...notice.detail, medium });
    if (queued.length > 0) this.options.onQueued?.();
  }
}
