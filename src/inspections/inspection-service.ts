import { randomUUID } from "node:crypto";
import { DateTime } from "luxon";
import { EventBus } from "../aggregator/event-bus.js";
import type { AlertService } from "../alerts/alert-service.js";
import type { Alert, RaiseInput } from "../core/alerts/alert.js";
import { type AssetStatusNow, assetStatusNow } from "../core/inspections/asset-status.js";
import {
  completeAsset,
  type FireAsset,
  type FireAssetInput,
  fireAssetInputSchema,
  isExtinguisher,
  type ServiceLifeOverrides,
} from "../core/inspections/assets.js";
import {
  CHECK_ITEM_TEXT,
  type CheckItem,
  checklistFor,
  type SensorReading,
  sensorReadings,
} from "../core/inspections/checklist.js";
import { complianceRows, type DueRow, type DueStatus, summarize } from "../core/inspections/compliance.js";
import {
  DEFAULT_INSPECTION_POLICY,
  type InspectionPeriod,
  type InspectionPolicy,
  type InspectionPolicyInput,
  inspectionPolicySchema,
  periodAt,
  periodsBetween,
} from "../core/inspections/policy.js";
import {
  failedItems,
  type InspectionRecord,
  type InspectionSubmission,
  MAX_PHOTO_BYTES,
  sensorProblems,
  submissionProblems,
} from "../core/inspections/record.js";
import { dateReminders } from "../core/inspections/reminders.js";
import type { Connectivity } from "../core/presence/types.js";
import type { Logger } from "../logging.js";
import { type FireAssetPort, FireAssetStore, type StoredFireAsset } from "../store/fire-assets.js";
import type { Halls } from "../store/hall-directory.js";
import {
  type CorrectiveAction,
  type InspectionPort,
  InspectionStore,
  MIN_RETENTION_DAYS,
} from "../store/inspections.js";
import type { SqlEngine } from "../store/sql/engine.js";
import { parseAssetCsv } from "./asset-csv.js";
import { InspectionMemory } from "./inspection-memory.js";

export type InspectionErrorCode =
  | "no_hall"
  | "no_asset"
  | "no_record"
  | "no_action"
  | "invalid"
  | "already_corrected"
  | "action_closed";

export class InspectionError extends Error {
  constructor(
    readonly code: InspectionErrorCode,
    message: string,
    readonly problems: string[] = [],
  ) {
    super(message);
    this.name = "InspectionError";
  }
}

export interface InspectionEvents {
  inspection_recorded: { record: InspectionRecord; asset: FireAsset; late: boolean; dueMs: number };
  corrective_action_changed: { action: CorrectiveAction };
}

export interface SensorSnapshot {
  values: Record<string, unknown> | null;
  connectivity: Connectivity;
  lastSeenMs: number | null;
}

export interface InspectionServiceOptions {
  sql: SqlEngine;
  halls: Halls;
  /** Raises and resolves the inspection alerts; absent, nothing is alerted (tests of the records alone). */
  alerts?: AlertService;
  /** The linked sensor's latest state. */
  sensor?: (hallId: string, deviceId: string) => SensorSnapshot | null;
  logger: Logger;
  serviceLife?: ServiceLifeOverrides;
  /** Service and scrap dates are reminded this many days ahead. */
  reminderDays?: number;
  /** Records, photos and closed corrective actions older than this are purged (at least 366 days). */
  retentionDays?: number;
  checkIntervalMs?: number;
  now?: () => number;
}

export interface AssetView {
  asset: FireAsset;
  retired: boolean;
  checklist: { item: CheckItem; text: { en: string; zh: string } }[];
  sensor: (SensorSnapshot & { deviceId: string; readings: SensorReading[] }) | null;
  period: InspectionPeriod & {
    status: DueStatus;
    timeZone: string;
    /** The local day by the end of which this period's inspection is due. */
    dueDay: string;
    /** Set when the asset owes nothing this period: the due day of its first inspection ("not due until"). */
    notDueUntil: string | null;
  };
  openActions: CorrectiveAction[];
  recentRecords: InspectionRecord[];
}

/** An asset's standing now, as the console's list shows it. */
export interface StatusNow {
  status: DueStatus;
  dueDay: string;
  notDueUntil: string | null;
}

export interface ComplianceReport {
  hallId: string;
  hallName: string;
  timeZone: string;
  fromMs: number;
  toMs: number;
  generatedMs: number;
  policy: InspectionPolicy;
  summary: ReturnType<typeof summarize>;
  assets: (FireAsset & { retiredMs: number | null })[];
  rows: (DueRow & { actions: CorrectiveAction[] })[];
}

const FAILED_SUMMARY = { en: "Fire inspection failed", zh: "消防巡检不合格" };
const OVERDUE_SUMMARY = { en: "Fire inspections overdue", zh: "消防巡检逾期未做" };
const SERVICE_SUMMARY = { en: "Fire equipment service due within 30 days", zh: "消防器材30天内到期维修" };
const SCRAP_SUMMARY = {
  en: "Fire equipment reaches its scrap date within 30 days",
  zh: "消防器材30天内到报废期",
};
const DAY_MS = 86_400_000;

/**
 * Fire-equipment inspections: the asset registry, each hall's policy, append-only records with corrective
 * actions, the alerts for failed items, overdue inspections and coming service/scrap dates, retention, and
 * the compliance report.
 */
export class InspectionService {
  readonly bus: EventBus<InspectionEvents>;
  readonly assets: FireAssetPort;
  readonly records: InspectionPort;
  /** The service's clock (injected in tests). */
  readonly now: () => number;
  private readonly memory: InspectionMemory;
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<void> | null = null;
  private stopped = false;
  private lastPurgeMs = 0;

  private constructor(private readonly options: InspectionServiceOptions) {
    this.bus = new EventBus<InspectionEvents>(options.logger);
    this.assets = new FireAssetStore(options.sql);
    this.records = new InspectionStore(options.sql);
    this.now = options.now ?? Date.now;
    this.memory = new InspectionMemory(this.assets, this.records);
    if ((options.retentionDays ?? MIN_RETENTION_DAYS) < MIN_RETENTION_DAYS)
      throw new RangeError(`inspection retention must be at least ${MIN_RETENTION_DAYS} days`);
  }

  /** The service with its in-memory view (see InspectionMemory) loaded. */
  static async open(options: InspectionServiceOptions): Promise<InspectionService> {
    const service = new InspectionService(options);
    await service.memory.exclusive(() => service.memory.refresh(service.hallPeriods()));
    return service;
  }

  start(): void {
    this.stopped = false;
    const run = () =>
      this.check().catch((err) => this.options.logger.error({ err }, "inspection check failed"));
    void run();
    this.timer = setInterval(run, this.options.checkIntervalMs ?? 60_000);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** A hall's previous and current period keys under its policy now: the records the memory holds for it. */
  private hallPeriods(): (hallId: string) => string[] {
    return (hallId) => {
      if (!this.options.halls.get(hallId)) return [];
      const timeZone = this.timeZone(hallId);
      const current = periodAt(this.policy(hallId), this.now(), timeZone);
      return [periodAt(this.policy(hallId), current.startMs - 1, timeZone).key, current.key];
    };
  }

  /**
   * A write under the memory's lock: the hall's current periods are loaded first (so the record written lands in
   * memory), and `fn` applies what it wrote to the memory before the lock is released.
   */
  private async write<T>(hallId: string, fn: () => Promise<T>): Promise<T> {
    return await this.memory.exclusive(async () => {
      await this.memory.ensurePeriods(hallId, this.hallPeriods()(hallId));
      return await fn();
    });
  }

  // ---- registry and policy ------------------------------------------------------------------------

  timeZone(hallId: string): string {
    const hall = this.options.halls.get(hallId);
    if (!hall) throw new InspectionError("no_hall", `no hall ${hallId}`);
    return this.options.halls.openingHours(hallId)?.timeZone ?? hall.timeZone;
  }

  /** Whether the hall's policy was set (by a person or the demo) rather than the default. */
  hasOwnPolicy(hallId: string): boolean {
    return this.memory.policy(hallId) !== null;
  }

  policy(hallId: string): InspectionPolicy {
    return this.memory.policy(hallId)?.policy ?? DEFAULT_INSPECTION_POLICY;
  }

  async setPolicy(
    hallId: string,
    input: InspectionPolicyInput,
    by: string,
  ): Promise<{ before: InspectionPolicy; after: InspectionPolicy }> {
    this.timeZone(hallId);
    const parsed = inspectionPolicySchema.safeParse(input);
    if (!parsed.success)
      throw new InspectionError(
        "invalid",
        "invalid inspection policy",
        parsed.error.issues.map((i) => `${i.path.join(".") || "policy"}: ${i.message}`),
      );
    const before = this.policy(hallId);
    await this.write(hallId, async () => {
      const nowMs = this.now();
      await this.assets.setPolicy(hallId, parsed.data, by, nowMs);
      this.memory.setPolicy(hallId, { policy: parsed.data, updatedBy: by, updatedMs: nowMs });
      await this.memory.ownWrite("assets");
      // Another weekday or frequency means other period keys.
      await this.memory.ensurePeriods(hallId, this.hallPeriods()(hallId));
    });
    this.checkHall(hallId);
    return { before, after: parsed.data };
  }

  /** From memory: the console's list, the reports and the demo read it synchronously. */
  listAssets(hallId: string, includeRetired = false): StoredFireAsset[] {
    this.timeZone(hallId);
    return this.memory.assets(hallId, includeRetired);
  }

  /** Halls with at least one active asset, from memory. */
  hallsWithAssets(): string[] {
    return this.memory.hallsWithAssets();
  }

  /** Adds or updates an asset; `inServiceSinceMs` backdates when a new asset began to owe inspections. */
  async putAsset(
    hallId: string,
    input: FireAssetInput,
    options: { inServiceSinceMs?: number } = {},
  ): Promise<{ before: StoredFireAsset | null; after: StoredFireAsset }> {
    this.timeZone(hallId);
    const parsed = fireAssetInputSchema.safeParse(input);
    if (!parsed.success)
      throw new InspectionError(
        "invalid",
        "invalid fire asset",
        parsed.error.issues.map((i) => `${i.path.join(".") || "asset"}: ${i.message}`),
      );
    const result = await this.write(hallId, async () => {
      const written = await this.assets.upsert(
        completeAsset(hallId, parsed.data, this.options.serviceLife),
        this.now(),
        options.inServiceSinceMs,
      );
      this.memory.setAsset(written.after);
      await this.memory.ownWrite("assets");
      return written;
    });
    this.checkHall(hallId);
    return result;
  }

  /** Imports a CSV of assets: every row valid, or nothing is written. */
  async importAssets(hallId: string, csv: string): Promise<{ created: number; updated: number }> {
    this.timeZone(hallId);
    const inputs = parseAssetCsv(csv);
    const result = await this.write(hallId, async () => {
      const written = await this.assets.upsertAll(
        inputs.map((input) => completeAsset(hallId, input, this.options.serviceLife)),
        this.now(),
      );
      for (const stored of await this.assets.list(hallId, { includeRetired: true }))
        this.memory.setAsset(stored);
      await this.memory.ownWrite("assets");
      return written;
    });
    this.checkHall(hallId);
    return result;
  }

  async retireAsset(hallId: string, assetId: string): Promise<StoredFireAsset> {
    const retired = await this.write(hallId, async () => {
      const stored = await this.assets.retire(hallId, assetId, this.now());
      if (stored) {
        this.memory.setAsset(stored);
        await this.memory.ownWrite("assets");
      }
      return stored;
    });
    if (!retired) throw new InspectionError("no_asset", `no active fire asset ${assetId} in hall ${hallId}`);
    this.checkHall(hallId);
    return retired;
  }

  private requireAsset(hallId: string, assetId: string): StoredFireAsset {
    const stored = this.memory.asset(hallId, assetId);
    if (!stored) throw new InspectionError("no_asset", `no fire asset ${assetId} in hall ${hallId}`);
    return stored;
  }

  // ---- confirming ---------------------------------------------------------------------------------

  /** Everything the inspection page shows for one asset. */
  async assetView(hallId: string, assetId: string): Promise<AssetView> {
    const stored = this.requireAsset(hallId, assetId);
    const { asset } = stored;
    const timeZone = this.timeZone(hallId);
    const nowMs = this.now();
    const policy = this.policy(hallId);
    const { period, status, dueDay, firstDue } = assetStatusNow(
      policy,
      { id: asset.id, createdMs: stored.createdMs, retiredMs: stored.retiredMs },
      (await this.records.recordsForPeriods(hallId, [periodAt(policy, nowMs, timeZone).key])).filter(
        (r) => r.assetId === assetId,
      ),
      nowMs,
      timeZone,
    );
    return {
      asset,
      retired: stored.retiredMs !== null,
      checklist: checklistFor(asset.type).map((item) => ({ item, text: CHECK_ITEM_TEXT[item] })),
      sensor: this.sensorFor(asset),
      period: { ...period, status, timeZone, dueDay, notDueUntil: firstDue?.dueDay ?? null },
      openActions: await this.records.actions({ hallId, assetId, open: true }),
      recentRecords: (await this.records.records({ hallId, assetId, fromMs: nowMs - 90 * DAY_MS }))
        .reverse()
        .slice(0, 20),
    };
  }

  /** Each active asset's standing in the current period (never without a status). */
  statusesNow(hallId: string): Map<string, StatusNow> {
    const timeZone = this.timeZone(hallId);
    const policy = this.policy(hallId);
    const nowMs = this.now();
    const records = this.memory.recordsForPeriods(hallId, [periodAt(policy, nowMs, timeZone).key]);
    const out = new Map<string, StatusNow>();
    for (const s of this.memory.assets(hallId, false)) {
      const now: AssetStatusNow = assetStatusNow(
        policy,
        { id: s.asset.id, createdMs: s.createdMs, retiredMs: s.retiredMs },
        records,
        nowMs,
        timeZone,
      );
      out.set(s.asset.id, {
        status: now.status,
        dueDay: now.dueDay,
        notDueUntil: now.firstDue?.dueDay ?? null,
      });
    }
    return out;
  }

  private sensorFor(asset: FireAsset): AssetView["sensor"] {
    if (!asset.sensorDeviceId || !this.options.sensor) return null;
    const snapshot = this.options.sensor(asset.hallId, asset.sensorDeviceId);
    if (!snapshot) return null;
    return { ...snapshot, deviceId: asset.sensorDeviceId, readings: sensorReadings(asset, snapshot.values) };
  }

  /** Records one inspection (or a correction of one); failed items open corrective actions and an alert. */
  async submit(hallId: string, assetId: string, submission: InspectionSubmission, inspector: string) {
    const stored = this.requireAsset(hallId, assetId);
    const { asset } = stored;
    if (stored.retiredMs !== null && submission.correctsId === null)
      throw new InspectionError("invalid", `fire asset ${assetId} is retired`);
    const problems = submissionProblems(asset, submission.results);
    let photo: { mime: string; bytes: Buffer } | null = null;
    if (submission.photo) {
      const bytes = Buffer.from(submission.photo.dataBase64, "base64");
      if (bytes.length === 0) problems.push("photo: empty");
      if (bytes.length > MAX_PHOTO_BYTES) problems.push("photo: larger than 2 MB");
      photo = { mime: submission.photo.mime, bytes };
    }
    if (problems.length > 0) throw new InspectionError("invalid", "inspection not recorded", problems);
    const readings = this.sensorFor(asset)?.readings ?? [];
    const confirmed = submission.sensorConfirmed ?? [];
    const contradictions = sensorProblems(submission.results, readings, confirmed);
    if (contradictions.length > 0)
      throw new InspectionError(
        "invalid",
        "inspection not recorded: it contradicts the sensor; answer the flagged items one by one",
        contradictions,
      );

    return await this.write(hallId, () =>
      this.appendRecord(stored.asset, submission, inspector, photo, readings, confirmed),
    );
  }

  private async appendRecord(
    asset: FireAsset,
    submission: InspectionSubmission,
    inspector: string,
    photo: { mime: string; bytes: Buffer } | null,
    readings: SensorReading[],
    confirmed: CheckItem[],
  ) {
    const { hallId, id: assetId } = asset;
    const nowMs = this.now();
    const timeZone = this.timeZone(hallId);
    let periodKey = periodAt(this.policy(hallId), nowMs, timeZone).key;
    let inspectedMs = nowMs;
    if (submission.correctsId) {
      const corrected = await this.records.record(submission.correctsId);
      if (!corrected || corrected.hallId !== hallId || corrected.assetId !== assetId)
        throw new InspectionError(
          "no_record",
          `no inspection record ${submission.correctsId} of asset ${assetId}`,
        );
      const later = await this.records.correctionOf(corrected.id);
      if (later)
        throw new InspectionError(
          "already_corrected",
          `record ${corrected.id} was already corrected by ${later.id}; correct that one instead`,
        );
      periodKey = corrected.periodKey;
      inspectedMs = corrected.inspectedMs;
    }
    const failed = failedItems(submission.results);
    const record: InspectionRecord = {
      id: randomUUID(),
      hallId,
      assetId,
      periodKey,
      inspectedMs,
      recordedMs: nowMs,
      inspector,
      results: submission.results,
      failedItems: failed,
      passed: failed.length === 0,
      note: submission.note,
      photoId: null,
      sensor: readings.map((r) =>
        r.flagged && confirmed.includes(r.item) ? { ...r, confirmedPass: true as const } : r,
      ),
      correctsId: submission.correctsId,
    };
    // Items already under an open corrective action are not opened twice.
    const openItems = new Set(
      (await this.records.actions({ hallId, assetId, open: true })).map((a) => a.item),
    );
    const newItems = failed.filter((item) => !openItems.has(item));
    const alert = failed.length > 0 ? this.raiseFailed(asset, failed) : null;
    const result = await this.records.append(
      record,
      photo,
      newItems.map((item) => ({ item, alertId: alert?.id ?? null })),
    );
    this.memory.addRecord(result.record);
    await this.memory.ownWrite("records");
    const period = periodAt(this.policy(hallId), inspectedMs, timeZone);
    this.bus.emit("inspection_recorded", {
      record: result.record,
      asset,
      late: inspectedMs > period.overdueMs,
      dueMs: period.dueMs,
    });
    for (const action of result.actions) this.bus.emit("corrective_action_changed", { action });
    this.checkHall(hallId);
    return { ...result, alert };
  }

  /** Maintenance closes a corrective action; the asset's failure alert resolves when none is left open. */
  async closeAction(actionId: string, by: string, note: string): Promise<CorrectiveAction> {
    const existing = await this.records.action(actionId);
    if (!existing) throw new InspectionError("no_action", `no corrective action ${actionId}`);
    if (existing.closed)
      throw new InspectionError("action_closed", `corrective action ${actionId} is already closed`);
    const closed = await this.records.close(actionId, by, note, this.now());
    if (!closed)
      throw new InspectionError("action_closed", `corrective action ${actionId} is already closed`);
    await this.memory.ownWrite("records");
    this.bus.emit("corrective_action_changed", { action: closed });
    const stillOpen = await this.records.actions({
      hallId: closed.hallId,
      assetId: closed.assetId,
      open: true,
    });
    if (stillOpen.length === 0)
      this.options.alerts?.reconcileExternal(failedKey(closed.hallId, closed.assetId), null, {
        resolveReason: `corrective actions closed by ${by}`,
      });
    return closed;
  }

  private raiseFailed(asset: FireAsset, failed: CheckItem[]): Alert | null {
    const alerts = this.options.alerts;
    if (!alerts) return null;
    return alerts.reconcileExternal(
      failedKey(asset.hallId, asset.id),
      {
        ...this.alertBase(asset.hallId, isExtinguisher(asset.type) ? "extinguisher" : "hydrant"),
        key: failedKey(asset.hallId, asset.id),
        deviceId: asset.sensorDeviceId,
        faultType: "inspection_failed",
        // A missing extinguisher is an emergency; anything else needs fixing soon.
        severity: failed.includes("located") ? "critical" : "major",
        audience: ["security", "duty_manager", "maintenance"],
        summary: {
          en: `${FAILED_SUMMARY.en}: ${asset.id} (${asset.location})`,
          zh: `${FAILED_SUMMARY.zh}：${asset.id}（${asset.location}）`,
        },
        observed: failed.join(","),
        affected: [asset.id],
      },
      { repeat: true },
    );
  }

  private alertBase(hallId: string, kind: RaiseInput["kind"]) {
    return { hallId, agentId: null, kind, inMaintenance: false };
  }

  // ---- overdue, reminders, retention ---------------------------------------------------------------

  /**
   * Re-checks every hall with assets (run every minute): first the memory catches up with writes from other
   * processes (when the stores' versions moved) and with a new period, then the alerts.
   */
  async check(): Promise<void> {
    if (this.checking) return await this.checking;
    this.checking = this.checkOnce().finally(() => {
      this.checking = null;
    });
    return await this.checking;
  }

  private async checkOnce(): Promise<void> {
    if (this.stopped) return;
    await this.memory.exclusive(() => this.memory.refresh(this.hallPeriods()));
    if (this.stopped) return;
    for (const hallId of this.memory.hallsWithAssets()) {
      try {
        this.checkHall(hallId);
      } catch (err) {
        this.options.logger.error({ err, hallId }, "inspection check failed");
      }
    }
    const nowMs = this.now();
    if (nowMs - this.lastPurgeMs >= DAY_MS) {
      this.lastPurgeMs = nowMs;
      try {
        const removed = await this.records.purgeOlderThan(this.options.retentionDays ?? 400, nowMs);
        if (removed.records + removed.photos + removed.actions > 0)
          this.options.logger.info(removed, "purged inspection records past retention");
      } catch (err) {
        this.options.logger.error({ err }, "inspection retention purge failed");
      }
    }
  }

  /** The overdue and date alerts of one hall, brought in line with now. */
  checkHall(hallId: string): void {
    const alerts = this.options.alerts;
    if (!alerts || !this.options.halls.get(hallId)) return;
    const nowMs = this.now();
    const timeZone = this.timeZone(hallId);
    const policy = this.policy(hallId);
    const stored = this.memory.assets(hallId, false);
    const current = periodAt(policy, nowMs, timeZone);
    const previous = periodAt(policy, current.startMs - 1, timeZone);
    const lifetimes = stored.map((s) => ({ id: s.asset.id, createdMs: s.createdMs, retiredMs: s.retiredMs }));
    const rows = complianceRows(
      lifetimes,
      [previous, current],
      this.memory.recordsForPeriods(hallId, [previous.key, current.key]),
      nowMs,
    );
    const status = new Map<string, Partial<Record<string, DueStatus>>>();
    for (const row of rows)
      status.set(row.assetId, { ...status.get(row.assetId), [row.period.key]: row.status });
    // Overdue: this period's inspection is past due, or the last period's was missed and this one is not done yet.
    const overdue = stored
      .map((s) => s.asset.id)
      .filter((id) => {
        const s = status.get(id) ?? {};
        const now = s[current.key];
        return (
          now === "overdue" || (s[previous.key] === "missed" && (now === "pending" || now === undefined))
        );
      });
    const key = (what: string) => `${hallId}/inspections/${what}`;
    alerts.reconcileExternal(
      key("overdue"),
      overdue.length === 0
        ? null
        : {
            ...this.alertBase(hallId, null),
            key: key("overdue"),
            deviceId: null,
            faultType: "inspection_overdue",
            severity: "major",
            audience: ["security", "duty_manager"],
            summary: OVERDUE_SUMMARY,
            observed: overdue.length,
            affected: overdue,
          },
      { resolveReason: "inspections done" },
    );
    const today = DateTime.fromMillis(nowMs, { zone: timeZone }).toISODate() as string;
    const reminders = dateReminders(
      stored.map((s) => s.asset),
      today,
      this.options.reminderDays ?? 30,
    );
    for (const what of ["service", "scrap"] as const) {
      const due = reminders.filter((r) => r.what === what).map((r) => r.assetId);
      alerts.reconcileExternal(
        key(`${what}_due`),
        due.length === 0
          ? null
          : {
              ...this.alertBase(hallId, null),
              key: key(`${what}_due`),
              deviceId: null,
              faultType: `${what}_due`,
              severity: what === "scrap" ? "minor" : "warning",
              audience: ["maintenance", "duty_manager"],
              summary: what === "scrap" ? SCRAP_SUMMARY : SERVICE_SUMMARY,
              observed: due.length,
              affected: due,
            },
        { resolveReason: "dates moved on" },
      );
    }
  }

  /** Assets still to inspect whose due time falls by the end of the local day of `atMs` (overdue ones too). */
  dueBy(hallId: string, atMs: number): { assetId: string; dueMs: number }[] {
    const timeZone = this.timeZone(hallId);
    const endOfDayMs = DateTime.fromMillis(atMs, { zone: timeZone }).endOf("day").toMillis();
    const period = periodAt(this.policy(hallId), atMs, timeZone);
    const stored = this.memory.assets(hallId, false);
    return complianceRows(
      stored.map((s) => ({ id: s.asset.id, createdMs: s.createdMs, retiredMs: s.retiredMs })),
      [period],
      this.memory.recordsForPeriods(hallId, [period.key]),
      atMs,
    )
      .filter(
        (r) => (r.status === "pending" || r.status === "overdue") && r.period.overdueMs <= endOfDayMs + 1,
      )
      .map((r) => ({ assetId: r.assetId, dueMs: r.period.overdueMs }));
  }

  // ---- compliance -----------------------------------------------------------------------------------

  /** Every due inspection of every asset in the periods overlapping [fromMs, toMs). */
  async compliance(hallId: string, fromMs: number, toMs: number): Promise<ComplianceReport> {
    const hall = this.options.halls.get(hallId);
    if (!hall) throw new InspectionError("no_hall", `no hall ${hallId}`);
    if (!(fromMs < toMs)) throw new InspectionError("invalid", "the report's start must be before its end");
    if (toMs - fromMs > 400 * DAY_MS)
      throw new InspectionError("invalid", "a report covers at most 400 days");
    const timeZone = this.timeZone(hallId);
    const policy = this.policy(hallId);
    const nowMs = this.now();
    const stored = this.memory.assets(hallId, true);
    const periods = periodsBetween(policy, fromMs, toMs, timeZone);
    const records = await this.records.recordsForPeriods(
      hallId,
      periods.map((p) => p.key),
    );
    const rows = complianceRows(
      stored.map((s) => ({ id: s.asset.id, createdMs: s.createdMs, retiredMs: s.retiredMs })),
      periods,
      records,
      nowMs,
    );
    const actions = await this.records.actions({ hallId, recordIds: records.map((r) => r.id) });
    const actionsByRecord = new Map<string, CorrectiveAction[]>();
    for (const action of actions)
      actionsByRecord.set(action.recordId, [...(actionsByRecord.get(action.recordId) ?? []), action]);
    const recordIdsOfRow = (row: DueRow) =>
      records.filter((r) => r.assetId === row.assetId && r.periodKey === row.period.key).map((r) => r.id);
    return {
      hallId,
      hallName: hall.name,
      timeZone,
      fromMs,
      toMs,
      generatedMs: nowMs,
      policy,
      summary: summarize(rows),
      assets: stored.map((s) => ({ ...s.asset, retiredMs: s.retiredMs })),
      rows: rows.map((row) => ({
        ...row,
        actions: recordIdsOfRow(row).flatMap((id) => actionsByRecord.get(id) ?? []),
      })),
    };
  }
}

export const failedKey = (hallId: string, assetId: string) =>
  `${hallId}/fire_asset/${assetId}/inspection_failed`;
