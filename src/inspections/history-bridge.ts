import { DateTime } from "luxon";
import type { CompliancePoint, InspectionPoint } from "../influx/inputs.js";
import type { Logger } from "../logging.js";
import type { InspectionService } from "./inspection-service.js";

export interface InspectionHistorySink {
  writeInspection(point: InspectionPoint): void;
  writeCompliance(point: CompliancePoint): void;
}

/**
 * Sends inspection records to the history (InfluxDB) as they are written, and each hall's figures for the current
 * and the previous period after every record and every hour (so a period that ends with missed inspections shows).
 */
export class InspectionHistoryBridge {
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly inspections: InspectionService,
    private readonly sink: InspectionHistorySink,
    private readonly logger: Logger,
    private readonly everyMs = 3_600_000,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.unsubscribe = this.inspections.bus.on("inspection_recorded", ({ record, asset, late, dueMs }) => {
      const zone = this.inspections.timeZone(record.hallId);
      this.sink.writeInspection({
        hall: record.hallId,
        asset: asset.id,
        assetType: asset.type,
        recordId: record.id,
        inspector: record.inspector,
        passed: record.passed,
        failedItems: record.failedItems,
        // The due day: the due time is the end of it (local midnight after).
        dueDate: DateTime.fromMillis(dueMs - 1, { zone }).toISODate() as string,
        late,
        correctsId: record.correctsId,
        atMs: record.recordedMs,
      });
      void this.writeCompliance(record.hallId);
    });
    this.writeAll();
    this.timer = setInterval(() => this.writeAll(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private writeAll(): void {
    for (const hallId of this.inspections.hallsWithAssets()) void this.writeCompliance(hallId);
  }

  /** Never rejects: a failure is logged (the figures are written again next hour). */
  private async writeCompliance(hallId: string): Promise<void> {
    try {
      const nowMs = this.now();
      const report = await this.inspections.compliance(hallId, nowMs - 1, nowMs);
      const current = report.rows[0]?.period;
      const previousReport = current
        ? await this.inspections.compliance(hallId, current.startMs - 1, current.startMs)
        : null;
      for (const r of [previousReport, report]) {
        const period = r?.rows[0]?.period;
        if (!r || !period) continue;
        const s = r.summary;
        this.sink.writeCompliance({
          hall: hallId,
          periodStartMs: period.startMs,
          due: s.due,
          done: s.done + s.late,
          missed: s.missed + s.overdue,
          pending: s.pending,
          compliancePct: s.compliancePct,
        });
      }
    } catch (err) {
      this.logger.error({ err, hallId }, "inspection figures not written to history");
    }
  }
}
