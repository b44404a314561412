import type { Aggregator } from "../aggregator/aggregator.js";
import { EventBus } from "../aggregator/event-bus.js";
import type { AlertService } from "../alerts/alert-service.js";
import type { Alert } from "../core/alerts/alert.js";
import { nextOpening } from "../core/calendar/opening-hours.js";
import {
  type ReadinessInspection,
  type ReadinessReport,
  readinessCheckTimes,
  readinessReport,
} from "../core/calendar/readiness.js";
import type { DeviceState } from "../core/presence/types.js";
import type { Logger } from "../logging.js";
import type { Halls } from "../store/hall-directory.js";
import { ReadinessReportStore } from "../store/readiness-reports.js";
import type { SqlEngine } from "../store/sql/engine.js";
import { isTransientStoreError } from "../store/storage-errors.js";

export interface ReadinessServiceOptions {
  sql: SqlEngine;
  halls: Halls;
  aggregator: Aggregator;
  alerts: AlertService;
  logger: Logger;
  /** How long before opening the check runs (default 30 min). */
  leadMin?: number;
  pollIntervalMs?: number;
  now?: () => number;
  /** Fire-equipment inspections due by the end of the opening's day (or already overdue). */
  inspectionsDue?: (hallId: string, openingMs: number) => ReadinessInspection[];
  /** Several nodes share the halls: only the hall's owner checks it (it holds the devices). Absent: every hall. */
  handles?: (hallId: string) => boolean;
}

/** A hall's devices and open alerts from elsewhere than this node's memory (see preview). */
export interface ReadinessSource {
  devices: Iterable<DeviceState>;
  alerts: readonly Alert[];
}

/**
 * The pre-opening readiness check: a set time before each opening of each hall with opening hours, it records a
 * report (a verdict, the opening in the hall's zone, devices not ready — offline, unknown, or out of service by an
 * open fault —, open faults, inspections due) and announces it on its bus for the duty manager. With several nodes
 * every node runs the check; the one whose report is recorded first announces it, the others drop theirs.
 */
export class ReadinessService {
  readonly bus: EventBus<{ readiness_report: ReadinessReport }>;
  private timer: NodeJS.Timeout | null = null;
  private lastPollMs = 0;
  private polling: Promise<void> | null = null;
  /** Checks the database could not record (unreachable, full): run again at the next poll, until their opening. */
  private unrecorded: { hallId: string; openingMs: number }[] = [];
  private readonly now: () => number;
  private readonly reports: ReadinessReportStore;

  constructor(private readonly options: ReadinessServiceOptions) {
    this.now = options.now ?? Date.now;
    this.bus = new EventBus(options.logger);
    this.reports = new ReadinessReportStore(options.sql);
  }

  start(): void {
    this.lastPollMs = this.now();
    this.timer = setInterval(() => {
      // One poll at a time: a slow database delays the next poll rather than piling them up.
      if (!this.polling) void this.poll();
    }, this.options.pollIntervalMs ?? 15_000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Runs every check that fell due since the last poll (each once, across nodes too: reports are keyed by hall and
   * opening). Never rejects: a check that fails is logged; one the database could not record is run again at each
   * poll until its opening.
   */
  poll(): Promise<void> {
    const run = this.runDueChecks().finally(() => {
      if (this.polling === run) this.polling = null;
    });
    this.polling = run;
    return run;
  }

  private async runDueChecks(): Promise<void> {
    const nowMs = this.now();
    const fromMs = this.lastPollMs;
    this.lastPollMs = nowMs;
    // Every report is built before the first await: from the live devices and alerts as they are now.
    const due: ReadinessReport[] = [];
    const retried = this.unrecorded.filter((c) => c.openingMs > nowMs);
    this.unrecorded = [];
    for (const check of retried) {
      try {
        due.push(this.build(check.hallId, check.openingMs, nowMs));
      } catch (err) {
        this.options.logger.error({ err, hallId: check.hallId }, "readiness check failed");
      }
    }
    for (const hall of this.options.halls.list()) {
      if (this.options.handles && !this.options.handles(hall.id)) continue;
      try {
        const hours = this.options.halls.openingHours(hall.id);
        if (!hours) continue;
        for (const check of readinessCheckTimes(hours, this.options.leadMin ?? 30, fromMs, nowMs + 1))
          due.push(this.build(hall.id, check.openingMs, nowMs));
      } catch (err) {
        this.options.logger.error({ err, hallId: hall.id }, "readiness check failed");
      }
    }
    for (const report of due) {
      try {
        await this.record(report);
      } catch (err) {
        if (!isTransientStoreError(err)) {
          this.options.logger.error({ err, hallId: report.hallId }, "readiness check failed");
          continue;
        }
        this.unrecorded.push({ hallId: report.hallId, openingMs: report.openingMs });
        this.options.logger.warn(
          { err, hallId: report.hallId },
          "readiness report not recorded (store unavailable); the check runs again at the next poll",
        );
      }
    }
  }

  /**
   * The report as it would be now, for the hall's next opening (or now, when it is open or has no hours). A hall
   * another node owns (several nodes) is previewed from `source`: its devices and open alerts as the database has
   * them; this node's own halls from memory.
   */
  preview(hallId: string, source?: ReadinessSource): ReadinessReport {
    const nowMs = this.now();
    const hours = this.options.halls.openingHours(hallId);
    return this.build(hallId, (hours && nextOpening(hours, nowMs)) ?? nowMs, nowMs, source);
  }

  latest(hallId: string): Promise<ReadinessReport | null> {
    return this.reports.latest(hallId);
  }

  private build(hallId: string, openingMs: number, nowMs: number, source?: ReadinessSource): ReadinessReport {
    const devices = [...(source?.devices ?? this.options.aggregator.presence.allDevices())].filter(
      (d) => d.hallId === hallId && !d.retired,
    );
    // The open alerts the alert service holds in memory, as the store would list them: the report stays synchronous.
    const alerts = (source?.alerts ?? this.options.alerts.activeAlerts())
      .filter((a) => a.hallId === hallId)
      .sort((a, b) => b.lastSeenMs - a.lastSeenMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, 500);
    return readinessReport({
      hallId,
      timeZone: this.options.halls.openingHours(hallId)?.timeZone ?? this.options.halls.get(hallId)?.timeZone,
      openingMs,
      generatedMs: nowMs,
      devices: devices.map((d) => ({
        deviceId: d.deviceId,
        kind: d.kind,
        name: d.name,
        zone: d.zone,
        connectivity: d.connectivity,
      })),
      openAlerts: alerts.map((a) => ({
        id: a.id,
        deviceId: a.deviceId,
        faultType: a.faultType,
        severity: a.severity,
        summary: a.summary,
      })),
      inspectionsDue: this.options.inspectionsDue?.(hallId, openingMs) ?? [],
    });
  }

  private async record(report: ReadinessReport): Promise<void> {
    if (!(await this.reports.claim(report))) return; // recorded before, here or by another node
    this.options.logger.info(
      { hallId: report.hallId, ready: report.ready, notReady: report.notReady.length },
      "readiness report",
    );
    this.bus.emit("readiness_report", report);
  }
}
