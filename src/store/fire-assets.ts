import type { FireAsset } from "../core/inspections/assets.js";
import type { InspectionPolicy } from "../core/inspections/policy.js";
import { bumpConfigVersion, readConfigVersion } from "./config-versions.js";
import type { SqlEngine, SqlExecutor } from "./sql/engine.js";

export interface StoredFireAsset {
  asset: FireAsset;
  createdMs: number;
  updatedMs: number;
  retiredMs: number | null;
}

export interface StoredPolicy {
  policy: InspectionPolicy;
  updatedBy: string;
  updatedMs: number;
}

/** The fire-equipment registry and each hall's inspection policy, on SQLite or PostgreSQL. */
export interface FireAssetPort {
  upsert(
    asset: FireAsset,
    nowMs: number,
    createdMs?: number,
  ): Promise<{ before: StoredFireAsset | null; after: StoredFireAsset }>;
  upsertAll(assets: readonly FireAsset[], nowMs: number): Promise<{ created: number; updated: number }>;
  retire(hallId: string, id: string, nowMs: number): Promise<StoredFireAsset | null>;
  get(hallId: string, id: string): Promise<StoredFireAsset | null>;
  list(hallId: string, options?: { includeRetired?: boolean }): Promise<StoredFireAsset[]>;
  /** Every asset of every hall, retired ones included (the service's in-memory view). */
  listAll(): Promise<StoredFireAsset[]>;
  hallsWithAssets(): Promise<string[]>;
  policy(hallId: string): Promise<StoredPolicy | null>;
  policies(): Promise<Map<string, StoredPolicy>>;
  setPolicy(hallId: string, policy: InspectionPolicy, by: string, nowMs: number): Promise<void>;
  /** Raised by every write from any process, so an in-memory view reloads only when it moved. */
  version(): Promise<number>;
}

interface Row {
  asset_json: string;
  created_ms: number;
  updated_ms: number;
  retired_ms: number | null;
}

interface PolicyRow {
  hall_id: string;
  policy_json: string;
  updated_by: string;
  updated_ms: number;
}

const VERSION = "fire_assets";
const COLUMNS = "asset_json, created_ms, updated_ms, retired_ms";

const toStored = (r: Row): StoredFireAsset => ({
  asset: JSON.parse(r.asset_json) as FireAsset,
  createdMs: r.created_ms,
  updatedMs: r.updated_ms,
  retiredMs: r.retired_ms,
});

const toPolicy = (r: PolicyRow): StoredPolicy => ({
  policy: JSON.parse(r.policy_json) as InspectionPolicy,
  updatedBy: r.updated_by,
  updatedMs: r.updated_ms,
});

// Ids are sorted in JS: text ordering depends on the collation, which differs between the engines.
const byId = (a: StoredFireAsset, b: StoredFireAsset) =>
  a.asset.hallId === b.asset.hallId
    ? a.asset.id < b.asset.id
      ? -1
      : a.asset.id > b.asset.id
        ? 1
        : 0
    : a.asset.hallId < b.asset.hallId
      ? -1
      : 1;

async function getIn(sql: SqlExecutor, hallId: string, id: string): Promise<StoredFireAsset | null> {
  const row = await sql.get<Row>(`SELECT ${COLUMNS} FROM fire_assets WHERE hall_id = ? AND id = ?`, [
    hallId,
    id,
  ]);
  return row ? toStored(row) : null;
}

async function upsertIn(tx: SqlExecutor, asset: FireAsset, nowMs: number, createdMs: number) {
  const before = await getIn(tx, asset.hallId, asset.id);
  await tx.run(
    `INSERT INTO fire_assets (hall_id, id, asset_json, created_ms, updated_ms, retired_ms) VALUES (?, ?, ?, ?, ?, NULL)
     ON CONFLICT (hall_id, id) DO UPDATE SET asset_json = excluded.asset_json, updated_ms = excluded.updated_ms,
     retired_ms = NULL`,
    [asset.hallId, asset.id, JSON.stringify(asset), Math.min(createdMs, nowMs), nowMs],
  );
  return { before, after: (await getIn(tx, asset.hallId, asset.id)) as StoredFireAsset };
}

/** The fire-equipment registry and each hall's inspection policy. Assets are retired, never deleted. */
export class FireAssetStore implements FireAssetPort {
  constructor(private readonly sql: SqlEngine) {}

  /**
   * Adds or updates an asset; a retired asset put back is active again. Returns the row before and after.
   * `createdMs` (default now) is when a new asset began to owe inspections; an update keeps the old one.
   */
  async upsert(asset: FireAsset, nowMs: number, createdMs = nowMs) {
    return await this.sql.transaction(async (tx) => {
      const result = await upsertIn(tx, asset, nowMs, createdMs);
      await bumpConfigVersion(tx, VERSION);
      return result;
    });
  }

  /** Writes many assets in one transaction: all or none. */
  async upsertAll(assets: readonly FireAsset[], nowMs: number) {
    return await this.sql.transaction(async (tx) => {
      let created = 0;
      for (const asset of assets) if ((await upsertIn(tx, asset, nowMs, nowMs)).before === null) created++;
      await bumpConfigVersion(tx, VERSION);
      return { created, updated: assets.length - created };
    });
  }

  async retire(hallId: string, id: string, nowMs: number) {
    return await this.sql.transaction(async (tx) => {
      const result = await tx.run(
        "UPDATE fire_assets SET retired_ms = ? WHERE hall_id = ? AND id = ? AND retired_ms IS NULL",
        [nowMs, hallId, id],
      );
      if (result.changes === 0) return null;
      await bumpConfigVersion(tx, VERSION);
      return await getIn(tx, hallId, id);
    });
  }

  async get(hallId: string, id: string) {
    return await getIn(this.sql, hallId, id);
  }

  /** A hall's assets in id order, retired ones included when asked (reports over past periods need them). */
  async list(hallId: string, options: { includeRetired?: boolean } = {}) {
    const rows = await this.sql.all<Row>(
      `SELECT ${COLUMNS} FROM fire_assets WHERE hall_id = ? ${options.includeRetired ? "" : "AND retired_ms IS NULL"}`,
      [hallId],
    );
    return rows.map(toStored).sort(byId);
  }

  async listAll() {
    return (await this.sql.all<Row>(`SELECT ${COLUMNS} FROM fire_assets`)).map(toStored).sort(byId);
  }

  /** Halls that have at least one active asset. */
  async hallsWithAssets() {
    const rows = await this.sql.all<{ hall_id: string }>(
      "SELECT DISTINCT hall_id FROM fire_assets WHERE retired_ms IS NULL",
    );
    return rows.map((r) => r.hall_id).sort();
  }

  async policy(hallId: string) {
    const row = await this.sql.get<PolicyRow>(
      "SELECT hall_id, policy_json, updated_by, updated_ms FROM inspection_policies WHERE hall_id = ?",
      [hallId],
    );
    return row ? toPolicy(row) : null;
  }

  async policies() {
    const rows = await this.sql.all<PolicyRow>(
      "SELECT hall_id, policy_json, updated_by, updated_ms FROM inspection_policies",
    );
    return new Map(rows.map((r) => [r.hall_id, toPolicy(r)]));
  }

  async setPolicy(hallId: string, policy: InspectionPolicy, by: string, nowMs: number) {
    await this.sql.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO inspection_policies (hall_id, policy_json, updated_ms, updated_by) VALUES (?, ?, ?, ?)
         ON CONFLICT (hall_id) DO UPDATE SET policy_json = excluded.policy_json, updated_ms = excluded.updated_ms,
         updated_by = excluded.updated_by`,
        [hallId, JSON.stringify(policy), nowMs, by],
      );
      await bumpConfigVersion(tx, VERSION);
    });
  }

  async version() {
    return await readConfigVersion(this.sql, VERSION);
  }
}
