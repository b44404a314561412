import { SYSTEM_HALL_ID } from "../contract/index.js";
import {
  latestDueReport,
  REPORT_KINDS,
  type ReportKind,
  type ReportSchedule,
} from "../core/reports/schedule.js";
import type { Logger } from "../logging.js";
import type { NotificationDispatcher } from "../notify/dispatcher.js";
import type { Language, MessageAttachment } from "../notify/message.js";
import { type PersonalMedium, personTarget } from "../notify/people/ports.js";
import type { NotifyStore } from "../notify/store.js";
import type { UserRecord } from "../store/users.js";
import { generateHallReport, type ReportSources } from "./generate.js";
import { type HallReport, reportCsv, reportFileName, reportHtml } from "./hall-report.js";
import { findChromium, renderPdfs } from "./pdf.js";
import { reportMessage } from "./report-message.js";
import type { ReportSchedulePort } from "./schedule-store.js";

/** Attachments larger than this are stored (report_files) and referenced from the outbox, not inlined. */
const INLINE_LIMIT_BYTES = 64 * 1024;
const FILES_KEPT_MS = 30 * 86_400_000;

export interface ReportSchedulerOptions {
  schedules: ReportSchedulePort;
  sources: ReportSources;
  users: { list(): UserRecord[] };
  /**
   * Several nodes share the halls: only the hall's owner makes its reports (they read its devices from memory).
   * Absent: every hall.
   */
  handles?: (hallId: string) => boolean;
  /**
   * The medium a person's reports go by (see `reportMedium`), null when none can carry one; absent: everyone by
   * e-mail.
   */
  reportMediumOf?: (username: string) => PersonalMedium | null;
  /**
   * The outbox the reports queue in. On the same database as `schedules`: a run's claim and its queued messages
   * commit in one transaction of `store.sql`.
   */
  notify: { store: NotifyStore; dispatcher: NotificationDispatcher };
  linkBaseUrl: string | null;
  /** `reports.chromiumPath`; null: /usr/bin/chromium when installed. Without one, the HTML page is attached. */
  chromiumPath: string | null;
  logger: Logger;
  now?: () => number;
  pollIntervalMs?: number;
}

/**
 * How a person gets a report (issue 14: "through the person's channels"): by e-mail when they have an address (the
 * PDF and CSV attached), else by their most preferred chat or push medium (the summary and the printable page's
 * link). Never by SMS: the providers' approved templates are for alerts. Null: no medium can carry it.
 */
export function reportMedium(hasEmail: boolean, media: readonly PersonalMedium[]): PersonalMedium | null {
  if (hasEmail) return "email";
  return media.find((m) => m !== "sms" && m !== "email") ?? null;
}

interface Target {
  id: string;
  language: Language;
  email: boolean;
}

/**
 * Sends each hall's daily, weekly and monthly reports when they fall due in the hall's zone (core/reports/schedule.ts),
 * through the notification outbox (retries, delivery log). Each report's run is claimed per hall, kind and period
 * before it is queued, so a restart, a late start or two nodes polling at once send a missed report exactly once.
 */
export class ReportScheduler {
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private noPdfLogged = false;

  constructor(private readonly options: ReportSchedulerOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (this.timer) return;
    this.options.schedules
      .pruneFiles(this.now() - FILES_KEPT_MS)
      .catch((err) => this.options.logger.warn({ err }, "old report attachments not pruned"));
    // The first poll comes one interval after start, not during it: start-up stays light (a report may print a PDF).
    this.timer = setInterval(() => void this.poll(), this.options.pollIntervalMs ?? 60_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Sends every report that is due and not yet sent; one poll at a time (a second call waits for the first). */
  poll(): Promise<void> {
    if (!this.running)
      this.running = this.pollOnce().finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async pollOnce(): Promise<void> {
    const { halls } = this.options.sources;
    for (const hall of halls.list()) {
      if (hall.id === SYSTEM_HALL_ID) continue;
      if (this.options.handles && !this.options.handles(hall.id)) continue;
      for (const kind of REPORT_KINDS) {
        try {
          await this.sendIfDue(hall.id, kind);
        } catch (err) {
          this.options.logger.error(
            { err, hallId: hall.id, kind },
            "scheduled report failed; retried next poll",
          );
        }
      }
    }
  }

  private async sendIfDue(hallId: string, kind: ReportKind): Promise<void> {
    const { schedules, sources } = this.options;
    const nowMs = this.now();
    const { schedule } = await schedules.get(hallId);
    const hours = sources.halls.openingHours(hallId);
    const zone = hours?.timeZone ?? sources.halls.get(hallId)?.timeZone ?? "Asia/Shanghai";
    const due = latestDueReport(kind, schedule, hours, zone, nowMs);
    if (!due || (await schedules.wasSent(hallId, kind, due.period))) return;
    const targets = await this.targets(hallId, kind, schedule);
    if (targets.length === 0) return;
    const generated = await generateHallReport(sources, hallId, kind, due.period, nowMs);
    if (!generated) return;
    const { report, timeZone } = generated;
    const attachments = await this.attachments(
      report,
      timeZone,
      targets.some((t) => t.email),
      nowMs,
    );
    const messages = new Map<Language, ReturnType<typeof reportMessage>>();
    const items = targets.map((t) => {
      let message = messages.get(t.language);
      if (!message) {
        message = reportMessage({
          report,
          timeZone,
          language: t.language,
          linkBaseUrl: this.options.linkBaseUrl,
          attachments,
        });
        messages.set(t.language, message);
      }
      return {
        key: `report:${hallId}:${kind}:${due.period}:${t.id}`,
        target: t.id,
        action: `report_${kind}`,
        message,
      };
    });
    const { dispatcher, store } = this.options.notify;
    // The run is claimed and its messages queued in one transaction: a crash or a failed queueing leaves no claim
    // without its messages (the next poll tries again), and of two nodes polling at once only one claims it.
    const queued = await store.sql.transaction(async (tx) =>
      (await schedules.markSent(
        hallId,
        kind,
        due.period,
        targets.map((t) => t.id),
        nowMs,
        tx,
      ))
        ? dispatcher.enqueueMessages(items, tx)
        : [],
    );
    if (queued.length > 0) {
      this.options.logger.info(
        { hallId, kind, period: due.period, targets: queued.length },
        "scheduled report queued",
      );
      void dispatcher.deliverDue();
    }
  }

  /** Duty managers of the hall in person, the hall's group channels, and headquarters' for the monthly. */
  private async targets(hallId: string, kind: ReportKind, schedule: ReportSchedule): Promise<Target[]> {
    const { store } = this.options.notify;
    const out = new Map<string, Target>();
    if (schedule.dutyManagers) {
      for (const u of this.options.users.list()) {
        if (u.disabled || !u.roles.includes("duty_manager")) continue;
        if (!u.halls.includes(hallId) && !u.halls.includes("*")) continue;
        // No medium, no report: queueing it would only fail, after printing a PDF for nobody.
        const medium = this.options.reportMediumOf ? this.options.reportMediumOf(u.username) : "email";
        if (!medium) continue;
        const id = personTarget(u.username, medium);
        out.set(id, { id, language: u.language, email: medium === "email" });
      }
    }
    const channelIds = [...schedule.channelIds, ...(kind === "month" ? schedule.hqChannelIds : [])];
    for (const id of channelIds) {
      const channel = await store.channel(id);
      if (!channel?.enabled) continue;
      out.set(id, { id, language: channel.language, email: channel.config.type === "email" });
    }
    return [...out.values()];
  }

  /** The CSV, and the PDF (or the printable HTML page when no Chromium is available) for e-mail. */
  private async attachments(
    report: HallReport,
    timeZone: string,
    forEmail: boolean,
    nowMs: number,
  ): Promise<MessageAttachment[]> {
    const name = (ext: string) => reportFileName(report.hallId, report.period, report.fromMs, timeZone, ext);
    const files: { filename: string; contentType: string; content: Buffer }[] = [
      { filename: name("csv"), contentType: "text/csv", content: Buffer.from(reportCsv(report), "utf8") },
    ];
    if (forEmail) {
      const html = reportHtml(report, timeZone);
      const pdf = await this.pdf(html);
      files.push(
        pdf
          ? { filename: name("pdf"), contentType: "application/pdf", content: pdf }
          : { filename: name("html"), contentType: "text/html", content: Buffer.from(html, "utf8") },
      );
    }
    const attachments: MessageAttachment[] = [];
    for (const f of files)
      attachments.push(
        f.content.length > INLINE_LIMIT_BYTES
          ? {
              filename: f.filename,
              contentType: f.contentType,
              ref: await this.options.schedules.saveFile(f.content, nowMs),
            }
          : { filename: f.filename, contentType: f.contentType, contentBase64: f.content.toString("base64") },
      );
    return attachments;
  }

  private async pdf(html: string): Promise<Buffer | null> {
    const chromium = findChromium(this.options.chromiumPath);
    if (!chromium.path) {
      if (!this.noPdfLogged)
        this.options.logger.warn({ why: chromium.why }, "reports attach HTML instead of PDF");
      this.noPdfLogged = true;
      return null;
    }
    try {
      const [pdf] = await renderPdfs(chromium.path, [html]);
      return pdf ?? null;
    } catch (err) {
      if (!this.noPdfLogged)
        this.options.logger.warn({ err }, "PDF rendering failed: reports attach HTML instead");
      this.noPdfLogged = true;
      return null;
    }
  }
}
