import type { InspectionRecord } from "../core/inspections/record.js";
import type { FireAssetPort, StoredFireAsset, StoredPolicy } from "../store/fire-assets.js";
import type { InspectionPort } from "../store/inspections.js";

/**
 * What the inspection service reads synchronously, held in memory: every fire asset (retired ones too) and every
 * hall's policy — a few dozen rows per hall —, and each hall's records of its previous and current period. The
 * readiness check (`dueBy`), the overdue/reminder check (`checkHall`), the console's status list and the reports'
 * asset lists read it on hot paths or in sync callbacks, while the rows live in SQLite or PostgreSQL.
 *
 * It is loaded at start, updated by every write through the service (under `exclusive`, so a reload never
 * interleaves with a write), and reloaded at each check when another process's writes moved the stores' versions.
 * A period not held (a future one, or one that began since the last check) reads as having no records, which is
 * right for a period nobody has recorded in yet; the service loads a hall's current periods before every write.
 */
export class InspectionMemory {
  private assetsByHall = new Map<string, Map<string, StoredFireAsset>>();
  private policies = new Map<string, StoredPolicy>();
  /** hallId → periodKey → that period's records of the hall, oldest first. */
  private records = new Map<string, Map<string, InspectionRecord[]>>();
  private assetsVersion = -1;
  private recordsVersion = -1;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly assetStore: FireAssetPort,
    private readonly recordStore: InspectionPort,
  ) {}

  /** Runs `fn` after every write or reload queued before it, and before any queued after it. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Reloads what moved: assets and policies when their version did; every held hall's periods when the records'
   * version did; and any of `periodsOf(hall)` not held yet. Call under `exclusive`.
   */
  async refresh(periodsOf: (hallId: string) => string[]): Promise<void> {
    const assetsVersion = await this.assetStore.version();
    if (assetsVersion !== this.assetsVersion) {
      const [assets, policies] = [await this.assetStore.listAll(), await this.assetStore.policies()];
      this.assetsByHall = new Map();
      for (const stored of assets) this.setAsset(stored);
      this.policies = policies;
      this.assetsVersion = assetsVersion;
    }
    const recordsVersion = await this.recordStore.version();
    const reloadAll = recordsVersion !== this.recordsVersion;
    for (const hallId of this.hallIds()) {
      const keys = periodsOf(hallId);
      if (reloadAll) this.records.delete(hallId);
      await this.ensurePeriods(hallId, keys);
    }
    this.recordsVersion = recordsVersion;
  }

  /**
   * After this process's own write to `what`, already applied to the memory: when the version moved by exactly
   * that one write, nobody else wrote in between and the next check need not reload everything.
   */
  async ownWrite(what: "assets" | "records"): Promise<void> {
    if (what === "assets") {
      const version = await this.assetStore.version();
      if (version === this.assetsVersion + 1) this.assetsVersion = version;
    } else {
      const version = await this.recordStore.version();
      if (version === this.recordsVersion + 1) this.recordsVersion = version;
    }
  }

  /** Loads the hall's periods not held yet and forgets its others (older periods are read from the store). */
  async ensurePeriods(hallId: string, keys: readonly string[]): Promise<void> {
    const held = this.records.get(hallId) ?? new Map<string, InspectionRecord[]>();
    const missing = keys.filter((k) => !held.has(k));
    const next = new Map<string, InspectionRecord[]>();
    for (const key of keys) next.set(key, held.get(key) ?? []);
    if (missing.length > 0)
      for (const record of await this.recordStore.recordsForPeriods(hallId, missing))
        next.get(record.periodKey)?.push(record);
    this.records.set(hallId, next);
  }

  asset(hallId: string, id: string): StoredFireAsset | null {
    return this.assetsByHall.get(hallId)?.get(id) ?? null;
  }

  /** A hall's assets in id order. */
  assets(hallId: string, includeRetired: boolean): StoredFireAsset[] {
    const all = [...(this.assetsByHall.get(hallId)?.values() ?? [])];
    return all
      .filter((s) => includeRetired || s.retiredMs === null)
      .sort((a, b) => (a.asset.id < b.asset.id ? -1 : a.asset.id > b.asset.id ? 1 : 0));
  }

  hallsWithAssets(): string[] {
    return [...this.assetsByHall.entries()]
      .filter(([, assets]) => [...assets.values()].some((s) => s.retiredMs === null))
      .map(([hallId]) => hallId)
      .sort();
  }

  setAsset(stored: StoredFireAsset): void {
    const hall = this.assetsByHall.get(stored.asset.hallId) ?? new Map<string, StoredFireAsset>();
    hall.set(stored.asset.id, stored);
    this.assetsByHall.set(stored.asset.hallId, hall);
  }

  policy(hallId: string): StoredPolicy | null {
    return this.policies.get(hallId) ?? null;
  }

  setPolicy(hallId: string, policy: StoredPolicy): void {
    this.policies.set(hallId, policy);
  }

  /** Held records of the given periods, oldest first; a period not held has none. */
  recordsForPeriods(hallId: string, keys: readonly string[]): InspectionRecord[] {
    const held = this.records.get(hallId);
    return keys
      .flatMap((k) => held?.get(k) ?? [])
      .sort((a, b) => a.inspectedMs - b.inspectedMs || a.recordedMs - b.recordedMs);
  }

  /** A record just written by the service: added when its period is held. */
  addRecord(record: InspectionRecord): void {
    const period = this.records.get(record.hallId)?.get(record.periodKey);
    if (period && !period.some((r) => r.id === record.id)) period.push(record);
  }

  private hallIds(): string[] {
    return [...new Set([...this.assetsByHall.keys(), ...this.policies.keys(), ...this.records.keys()])];
  }
}
