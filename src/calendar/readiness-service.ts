import type { Aggregator } from "../aggregator/aggregator.js";
import { EventBus } from "../aggregator/event-bus.js";
import type { AlertService } from "../alerts/alert-service.js";
import { nextOpening } from "../core/calendar/opening-hours.js";
import {
  type ReadinessInspection,
  type ReadinessReport,
  readinessCheckTimes,
  readinessReport,
} from "../core/calendar/readiness.js";
import type { Logger } from "../logging.js";
import type { Db } from "../store/database.js";
import type { Halls } from "../store/hall-directory.js";

export interface ReadinessServiceOptions {
  db: Db;
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
}

/**
 * The pre-opening readiness check: a set time before each opening of each hall with opening hours, it records a
 * report (a verdict, the opening in the hall's zone, devices not ready — offline, unknown, or out of service by an
 * open fault —, open faults, inspections due) and announces it on its bus for the duty manager.
 */
export class ReadinessService {
  readonly bus: EventBus<{ readiness_report: ReadinessReport }>;
  private timer: NodeJS.Timeout | null = null;
  private lastPollMs = 0;
  private readonly now: () => number;

  constructor(private readonly options: ReadinessServiceOptions) {
    this.now = options.now ?? Date.now;
    this.bus = new EventBus(options.logger);
  }

  start(): void {
    this.lastPollMs = this.now();
    this.timer = setInterval(() => this.poll(), this.options.pollIntervalMs ?? 15_000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Runs every check that fell due since the last poll (each once: reports are keyed by hall and opening). */
  poll(): void {
    const nowMs = this.now();
    const fromMs = this.lastPollMs;
    this.lastPollMs = nowMs;
    for (const hall of this.options.halls.list()) {
      const hours = this.options.halls.openingHours(hall.id);
      if (!hours) continue;
      for (const check of readinessCheckTimes(hours, this.options.leadMin ?? 30, fromMs, nowMs + 1)) {
        try {
          this.record(this.build(hall.id, check.openingMs, nowMs));
        } catch (err) {
          this.options.logger.error({ err, hallId: hall.id }, "readiness check failed");
        }
      }
    }
  }

  /** The report as it would be now, for the hall's next opening (or now, when it is open or has no hours). */
  preview(hallId: string): ReadinessReport {
    const nowMs = this.now();
    const hours = this.options.halls.openingHours(hallId);
    return this.build(hallId, (hours && nextOpening(hours, nowMs)) ?? nowMs, nowMs);
  }

  latest(hallId: string): ReadinessReport | null {
    const row = this.options.db
      .prepare("SELECT report_json FROM readiness_reports WHERE hall_id = ? ORDER BY opening_ms DESC LIMIT 1")
      .get(hallId) as { report_json: string } | undefined;
    return row ? (JSON.parse(row.report_json) as ReadinessReport) : null;
  }

  private build(hallId: string, openingMs: number, nowMs: number): ReadinessReport {
    const devices = [...this.options.aggregator.presence.allDevices()].filter(
      (d) => d.hallId === hallId && !d.retired,
    );
    const alerts = this.options.alerts.list({
      hallIds: [hallId],
      status: "active",
      limit: 500,
      offset: 0,
    }).items;
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

  private record(report: ReadinessReport): void {
    const inserted = this.options.db
      .prepare(
        "INSERT OR IGNORE INTO readiness_reports (hall_id, opening_ms, generated_ms, report_json) VALUES (?, ?, ?, ?)",
      )
      .run(report.hallId, report.openingMs, report.generatedMs, JSON.stringify(report)).changes;
    if (inserted === 0) return;
    this.options.logger.info(
      { hallId: report.hallId, ready: report.ready, notReady: report.notReady.length },
      "readiness report",
    );
    this.bus.emit("readiness_report", report);
  }
}
