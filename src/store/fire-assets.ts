import type { FireAsset } from "../core/inspections/assets.js";
import type { InspectionPolicy } from "../core/inspections/policy.js";
import type { Db } from "./database.js";

export interface StoredFireAsset {
  asset: FireAsset;
  createdMs: number;
  updatedMs: number;
  retiredMs: number | null;
}

interface Row {
  asset_json: string;
  created_ms: number;
  updated_ms: number;
  retired_ms: number | null;
}

const toStored = (r: Row): StoredFireAsset => ({
  asset: JSON.parse(r.asset_json) as FireAsset,
  createdMs: r.created_ms,
  updatedMs: r.updated_ms,
  retiredMs: r.retired_ms,
});

/** The fire-equipment registry and each hall's inspection policy. Assets are retired, never deleted. */
export class FireAssetStore {
  constructor(private readonly db: Db) {}

  /**
   * Adds or updates an asset; a retired asset put back is active again. Returns the row before and after.
   * `createdMs` (default now) is when a new asset began to owe inspections; an update keeps the old one.
   */
  upsert(
    asset: FireAsset,
    nowMs: number,
    createdMs = nowMs,
  ): { before: StoredFireAsset | null; after: StoredFireAsset } {
    const before = this.get(asset.hallId, asset.id);
    this.db
      .prepare(
        `INSERT INTO fire_assets (hall_id, id, asset_json, created_ms, updated_ms, retired_ms) VALUES (?, ?, ?, ?, ?, NULL)
         ON CONFLICT(hall_id, id) DO UPDATE SET asset_json = excluded.asset_json, updated_ms = excluded.updated_ms,
         retired_ms = NULL`,
      )
      .run(asset.hallId, asset.id, JSON.stringify(asset), Math.min(createdMs, nowMs), nowMs);
    return { before, after: this.get(asset.hallId, asset.id) as StoredFireAsset };
  }

  /** Writes many assets in one transaction: all or none. */
  upsertAll(assets: readonly FireAsset[], nowMs: number): { created: number; updated: number } {
    let created = 0;
    this.db.transaction(() => {
      for (const asset of assets) if (this.upsert(asset, nowMs).before === null) created++;
    })();
    return { created, updated: assets.length - created };
  }

  retire(hallId: string, id: string, nowMs: number): StoredFireAsset | null {
    const result = this.db
      .prepare("UPDATE fire_assets SET retired_ms = ? WHERE hall_id = ? AND id = ? AND retired_ms IS NULL")
      .run(nowMs, hallId, id);
    return result.changes === 0 ? null : this.get(hallId, id);
  }

  get(hallId: string, id: string): StoredFireAsset | null {
    const row = this.db
      .prepare(
        "SELECT asset_json, created_ms, updated_ms, retired_ms FROM fire_assets WHERE hall_id = ? AND id = ?",
      )
      .get(hallId, id) as Row | undefined;
    return row ? toStored(row) : null;
  }

  /** A hall's assets, retired ones included when asked (reports over past periods need them). */
  list(hallId: string, options: { includeRetired?: boolean } = {}): StoredFireAsset[] {
    const rows = this.db
      .prepare(
        `SELECT asset_json, created_ms, updated_ms, retired_ms FROM fire_assets WHERE hall_id = ?
         ${options.includeRetired ? "" : "AND retired_ms IS NULL"} ORDER BY id`,
      )
      .all(hallId) as Row[];
    return rows.map(toStored);
  }

  /** Halls that have at least one active asset. */
  hallsWithAssets(): string[] {
    return (
      this.db.prepare("SELECT DISTINCT hall_id FROM fire_assets WHERE retired_ms IS NULL").all() as {
        hall_id: string;
      }[]
    ).map((r) => r.hall_id);
  }

  policy(hallId: string): { policy: InspectionPolicy; updatedBy: string; updatedMs: number } | null {
    const row = this.db
      .prepare("SELECT policy_json, updated_by, updated_ms FROM inspection_policies WHERE hall_id = ?")
      .get(hallId) as { policy_json: string; updated_by: string; updated_ms: number } | undefined;
    return row
      ? {
          policy: JSON.parse(row.policy_json) as InspectionPolicy,
          updatedBy: row.updated_by,
          updatedMs: row.updated_ms,
        }
      : null;
  }

  setPolicy(hallId: string, policy: InspectionPolicy, by: string, nowMs: number): void {
    this.db
      .prepare(
        `INSERT INTO inspection_policies (hall_id, policy_json, updated_ms, updated_by) VALUES (?, ?, ?, ?)
         ON CONFLICT(hall_id) DO UPDATE SET policy_json = excluded.policy_json, updated_ms = excluded.updated_ms,
         updated_by = excluded.updated_by`,
      )
      .run(hallId, JSON.stringify(policy), nowMs, by);
  }
}
