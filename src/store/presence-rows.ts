import type { DeviceKind, TelemetryValues } from "../contract/index.js";
import type { AgentState, Connectivity, ConnectivityReason, DeviceState } from "../core/presence/types.js";
import { BatchInsert } from "./sql/batch-insert.js";
import type { SqlValue } from "./sql/engine.js";

/** The `devices` and `agent_state` rows as both engines return them, and their mapping to presence state. */
export interface DeviceRow {
  hall_id: string;
  device_id: string;
  agent_id: string;
  kind: DeviceKind;
  model: string;
  zone: string;
  name: string | null;
  report_interval_sec: number;
  connectivity: Connectivity;
  connectivity_since_ms: number;
  connectivity_reason: ConnectivityReason | null;
  last_seen_ms: number | null;
  values_json: string | null;
  values_ts_ms: number | null;
  retired: number;
  label_name: string | null;
  label_zone: string | null;
}

export interface AgentRow {
  agent_id: string;
  hall_id: string;
  session: number | null;
  connectivity: Connectivity;
  connectivity_since_ms: number;
  lost_messages: number;
  duplicate_messages: number;
  version: string | null;
  platform: string | null;
  hostname: string | null;
  device_ids: string;
  last_birth_ms: number | null;
}

const DEVICE_COLUMNS = `hall_id, device_id, agent_id, kind, model, zone, name, report_interval_sec, connectivity,
  connectivity_since_ms, connectivity_reason, last_seen_ms, values_json, values_ts_ms, retired, label_name, label_zone`;
const DEVICE_COLUMN_COUNT = 17;
/** 17 columns × 50 rows stays under SQLite's lowest parameter limit (999). */
const DEVICE_ROWS_PER_INSERT = 50;

/** A device's whole row. */
export const UPSERT_DEVICES = new BatchInsert(
  `INSERT INTO devices (${DEVICE_COLUMNS})`,
  DEVICE_COLUMN_COUNT,
  ` ON CONFLICT (hall_id, device_id) DO UPDATE SET agent_id = excluded.agent_id, kind = excluded.kind,
    model = excluded.model, zone = excluded.zone, name = excluded.name,
    report_interval_sec = excluded.report_interval_sec, connectivity = excluded.connectivity,
    connectivity_since_ms = excluded.connectivity_since_ms, connectivity_reason = excluded.connectivity_reason,
    last_seen_ms = excluded.last_seen_ms, values_json = excluded.values_json,
    values_ts_ms = excluded.values_ts_ms, retired = excluded.retired, label_name = excluded.label_name,
    label_zone = excluded.label_zone`,
  DEVICE_ROWS_PER_INSERT,
);

/** What a data message changes (last seen, values) on a stored row; a device without a row is written whole. */
export const UPSERT_DEVICE_DATA = new BatchInsert(
  `INSERT INTO devices (${DEVICE_COLUMNS})`,
  DEVICE_COLUMN_COUNT,
  ` ON CONFLICT (hall_id, device_id) DO UPDATE SET last_seen_ms = excluded.last_seen_ms,
    values_json = excluded.values_json, values_ts_ms = excluded.values_ts_ms`,
  DEVICE_ROWS_PER_INSERT,
);

export const UPSERT_AGENTS = new BatchInsert(
  `INSERT INTO agent_state (agent_id, hall_id, session, connectivity, connectivity_since_ms, lost_messages,
    duplicate_messages, version, platform, hostname, device_ids, last_birth_ms)`,
  12,
  ` ON CONFLICT (agent_id) DO UPDATE SET hall_id = excluded.hall_id, session = excluded.session,
    connectivity = excluded.connectivity, connectivity_since_ms = excluded.connectivity_since_ms,
    lost_messages = excluded.lost_messages, duplicate_messages = excluded.duplicate_messages,
    version = excluded.version, platform = excluded.platform, hostname = excluded.hostname,
    device_ids = excluded.device_ids, last_birth_ms = excluded.last_birth_ms`,
  80,
);

/**
 * One PostgreSQL statement may not upsert the same key twice: the last state given for a device (or agent) wins,
 * as it did when each was written in turn.
 */
export function lastByKey<T>(items: Iterable<T>, key: (item: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    byKey.delete(k);
    byKey.set(k, item);
  }
  return [...byKey.values()];
}

export const deviceKey = (d: { hallId: string; deviceId: string }): string =>
  `${d.hallId}\u0000${d.deviceId}`;

export function pushDeviceParams(params: SqlValue[], d: DeviceState): void {
  params.push(
    d.hallId,
    d.deviceId,
    d.agentId,
    d.kind,
    d.model,
    d.zone,
    d.name,
    d.reportIntervalSec,
    d.connectivity,
    d.connectivitySinceMs,
    d.connectivityReason,
    d.lastSeenMs,
    d.values === null ? null : JSON.stringify(d.values),
    d.valuesTsMs,
    d.retired ? 1 : 0,
    d.labelName ?? null,
    d.labelZone ?? null,
  );
}

export function pushAgentParams(params: SqlValue[], a: AgentState): void {
  params.push(
    a.agentId,
    a.hallId,
    a.session,
    a.connectivity,
    a.connectivitySinceMs,
    a.lostMessages,
    a.duplicateMessages,
    a.version,
    a.platform,
    a.hostname,
    JSON.stringify(a.deviceIds),
    a.lastBirthMs,
  );
}

export function deviceFromRow(r: DeviceRow): DeviceState {
  return {
    hallId: r.hall_id,
    deviceId: r.device_id,
    agentId: r.agent_id,
    kind: r.kind,
    model: r.model,
    zone: r.zone,
    name: r.name,
    reportIntervalSec: r.report_interval_sec,
    connectivity: r.connectivity,
    connectivitySinceMs: r.connectivity_since_ms,
    connectivityReason: r.connectivity_reason,
    lastSeenMs: r.last_seen_ms,
    values: r.values_json === null ? null : (JSON.parse(r.values_json) as TelemetryValues),
    valuesTsMs: r.values_ts_ms,
    retired: Number(r.retired) === 1,
    labelName: r.label_name,
    labelZone: r.label_zone,
  };
}

export function agentFromRow(r: AgentRow): AgentState {
  return {
    hallId: r.hall_id,
    agentId: r.agent_id,
    session: r.session,
    connectivity: r.connectivity,
    connectivitySinceMs: r.connectivity_since_ms,
    lastSeq: null,
    lostMessages: r.lost_messages,
    duplicateMessages: r.duplicate_messages,
    version: r.version,
    platform: r.platform,
    hostname: r.hostname,
    deviceIds: JSON.parse(r.device_ids) as string[],
    lastBirthMs: r.last_birth_ms,
  };
}
