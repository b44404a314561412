import type { DeviceKind, TelemetryValues } from "../contract/index.js";
import type { AgentState, Connectivity, ConnectivityReason, DeviceState } from "../core/presence/types.js";
import type { Db } from "./database.js";

interface DeviceRow {
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

interface AgentRow {
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

export interface ConnectivityInterval {
  hallId: string;
  deviceId: string;
  connectivity: Connectivity;
  reason: string | null;
  startMs: number;
  endMs: number | null;
}

/** Persists device and agent presence. Writes are grouped into one transaction per flush. */
export class PresenceStore {
  private readonly upsertDevice;
  private readonly upsertAgent;
  private readonly closeInterval;
  private readonly openInterval;

  constructor(private readonly db: Db) {
    this.upsertDevice = db.prepare(`
      INSERT INTO devices (hall_id, device_id, agent_id, kind, model, zone, name, report_interval_sec, connectivity,
        connectivity_since_ms, connectivity_reason, last_seen_ms, values_json, values_ts_ms, retired, label_name, label_zone)
      VALUES (@hall_id, @device_id, @agent_id, @kind, @model, @zone, @name, @report_interval_sec, @connectivity,
        @connectivity_since_ms, @connectivity_reason, @last_seen_ms, @values_json, @values_ts_ms, @retired,
        @label_name, @label_zone)
      ON CONFLICT(hall_id, device_id) DO UPDATE SET agent_id = excluded.agent_id, kind = excluded.kind,
        model = excluded.model, zone = excluded.zone, name = excluded.name,
        report_interval_sec = excluded.report_interval_sec, connectivity = excluded.connectivity,
        connectivity_since_ms = excluded.connectivity_since_ms, connectivity_reason = excluded.connectivity_reason,
        last_seen_ms = excluded.last_seen_ms, values_json = excluded.values_json,
        values_ts_ms = excluded.values_ts_ms, retired = excluded.retired, label_name = excluded.label_name,
        label_zone = excluded.label_zone`);
    this.upsertAgent = db.prepare(`
      INSERT INTO agent_state (agent_id, hall_id, session, connectivity, connectivity_since_ms, lost_messages,
        duplicate_messages, version, platform, hostname, device_ids, last_birth_ms)
      VALUES (@agent_id, @hall_id, @session, @connectivity, @connectivity_since_ms, @lost_messages,
        @duplicate_messages, @version, @platform, @hostname, @device_ids, @last_birth_ms)
      ON CONFLICT(agent_id) DO UPDATE SET hall_id = excluded.hall_id, session = excluded.session,
        connectivity = excluded.connectivity, connectivity_since_ms = excluded.connectivity_since_ms,
        lost_messages = excluded.lost_messages, duplicate_messages = excluded.duplicate_messages,
        version = excluded.version, platform = excluded.platform, hostname = excluded.hostname,
        device_ids = excluded.device_ids, last_birth_ms = excluded.last_birth_ms`);
    this.closeInterval = db.prepare(
      "UPDATE device_connectivity_history SET end_ms = ? WHERE hall_id = ? AND device_id = ? AND end_ms IS NULL",
    );
    this.openInterval = db.prepare(
      "INSERT INTO device_connectivity_history (hall_id, device_id, connectivity, reason, start_ms) VALUES (?, ?, ?, ?, ?)",
    );
  }

  loadDevices(): DeviceState[] {
    return (this.db.prepare("SELECT * FROM devices").all() as DeviceRow[]).map((r) => ({
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
      retired: r.retired === 1,
      labelName: r.label_name,
      labelZone: r.label_zone,
    }));
  }

  loadAgents(): AgentState[] {
    return (this.db.prepare("SELECT * FROM agent_state").all() as AgentRow[]).map((r) => ({
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
    }));
  }

  /** Saves devices, agents and connectivity transitions in one transaction. */
  save(
    devices: Iterable<DeviceState>,
    agents: Iterable<AgentState>,
    transitions: Iterable<{ device: DeviceState; to: Connectivity; reason: string; atMs: number }>,
  ): void {
    this.db.transaction(() => {
      for (const d of devices) {
        this.upsertDevice.run({
          hall_id: d.hallId,
          device_id: d.deviceId,
          agent_id: d.agentId,
          kind: d.kind,
          model: d.model,
          zone: d.zone,
          name: d.name,
          report_interval_sec: d.reportIntervalSec,
          connectivity: d.connectivity,
          connectivity_since_ms: d.connectivitySinceMs,
          connectivity_reason: d.connectivityReason,
          last_seen_ms: d.lastSeenMs,
          values_json: d.values === null ? null : JSON.stringify(d.values),
          values_ts_ms: d.valuesTsMs,
          retired: d.retired ? 1 : 0,
          label_name: d.labelName ?? null,
          label_zone: d.labelZone ?? null,
        });
      }
      for (const a of agents) {
        this.upsertAgent.run({
          agent_id: a.agentId,
          hall_id: a.hallId,
          session: a.session,
          connectivity: a.connectivity,
          connectivity_since_ms: a.connectivitySinceMs,
          lost_messages: a.lostMessages,
          duplicate_messages: a.duplicateMessages,
          version: a.version,
          platform: a.platform,
          hostname: a.hostname,
          device_ids: JSON.stringify(a.deviceIds),
          last_birth_ms: a.lastBirthMs,
        });
      }
      for (const t of transitions) {
        this.closeInterval.run(t.atMs, t.device.hallId, t.device.deviceId);
        this.openInterval.run(t.device.hallId, t.device.deviceId, t.to, t.reason, t.atMs);
      }
    })();
  }

  connectivityHistory(
    hallId: string,
    deviceId: string,
    fromMs: number,
    toMs: number,
  ): ConnectivityInterval[] {
    return (
      this.db
        .prepare(
          `SELECT hall_id, device_id, connectivity, reason, start_ms, end_ms FROM device_connectivity_history
           WHERE hall_id = ? AND device_id = ? AND start_ms < ? AND (end_ms IS NULL OR end_ms > ?) ORDER BY start_ms`,
        )
        .all(hallId, deviceId, toMs, fromMs) as {
        hall_id: string;
        device_id: string;
        connectivity: Connectivity;
        reason: string | null;
        start_ms: number;
        end_ms: number | null;
      }[]
    ).map((r) => ({
      hallId: r.hall_id,
      deviceId: r.device_id,
      connectivity: r.connectivity,
      reason: r.reason,
      startMs: r.start_ms,
      endMs: r.end_ms,
    }));
  }
}
