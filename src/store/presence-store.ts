import type { HallFence } from "../cluster/hall-fence.js";
import type { AgentState, Connectivity, DeviceState } from "../core/presence/types.js";
import {
  type AgentRow,
  agentFromRow,
  type DeviceRow,
  deviceFromRow,
  deviceKey,
  lastByKey,
  pushAgentParams,
  pushDeviceParams,
  UPSERT_AGENTS,
  UPSERT_DEVICES,
} from "./presence-rows.js";
import { BatchInsert } from "./sql/batch-insert.js";
import type { SqlEngine, SqlExecutor, SqlValue } from "./sql/engine.js";

export interface ConnectivityInterval {
  hallId: string;
  deviceId: string;
  connectivity: Connectivity;
  reason: string | null;
  startMs: number;
  endMs: number | null;
}

export interface ConnectivityTransition {
  device: DeviceState;
  to: Connectivity;
  reason: string;
  atMs: number;
}

/**
 * Closes each listed device's open interval at its time. A CTE of values joined in `UPDATE … FROM` reads the same
 * on both engines; PostgreSQL types the untyped parameters as text, hence the cast.
 */
const CLOSE_INTERVALS = new BatchInsert(
  "WITH closing (hall_id, device_id, at_ms) AS (",
  3,
  `) UPDATE device_connectivity_history SET end_ms = CAST(closing.at_ms AS BIGINT) FROM closing
   WHERE device_connectivity_history.hall_id = closing.hall_id
     AND device_connectivity_history.device_id = closing.device_id AND device_connectivity_history.end_ms IS NULL`,
);
const OPEN_INTERVALS = new BatchInsert(
  "INSERT INTO device_connectivity_history (hall_id, device_id, connectivity, reason, start_ms, end_ms)",
  6,
);
const HISTORY = `SELECT hall_id, device_id, connectivity, reason, start_ms, end_ms FROM device_connectivity_history
  WHERE hall_id = ? AND device_id = ? AND start_ms < ? AND (end_ms IS NULL OR end_ms > ?) ORDER BY start_ms, id`;

/**
 * Persists device and agent presence, on either engine. Writes are grouped into one transaction per save. With a
 * fence (several nodes sharing the halls), each save writes only the rows of the halls this node still owns at its
 * epoch, decided inside that transaction; the others' rows are dropped, never written over their new owner's.
 */
export class PresenceStore {
  constructor(
    private readonly sql: SqlEngine,
    private readonly fence: HallFence | null = null,
  ) {}

  /** One hall's agents and devices, for a takeover (see PresenceTracker.adoptHall). */
  async loadHall(hallId: string): Promise<{ agents: AgentState[]; devices: DeviceState[] }> {
    const devices = await this.sql.all<DeviceRow>(
      "SELECT * FROM devices WHERE hall_id = ? ORDER BY device_id",
      [hallId],
    );
    const agents = await this.sql.all<AgentRow>(
      "SELECT * FROM agent_state WHERE hall_id = ? ORDER BY agent_id",
      [hallId],
    );
    return { agents: agents.map(agentFromRow), devices: devices.map(deviceFromRow) };
  }

  async loadDevices(): Promise<DeviceState[]> {
    const rows = await this.sql.all<DeviceRow>("SELECT * FROM devices ORDER BY hall_id, device_id");
    return rows.map(deviceFromRow);
  }

  async loadAgents(): Promise<AgentState[]> {
    return (await this.sql.all<AgentRow>("SELECT * FROM agent_state ORDER BY agent_id")).map(agentFromRow);
  }

  /**
   * Saves devices, agents and connectivity transitions (in the order they happened) in one transaction: all of it
   * or, when a statement fails, none of it.
   */
  async save(
    devices: Iterable<DeviceState>,
    agents: Iterable<AgentState>,
    transitions: Iterable<ConnectivityTransition>,
  ): Promise<void> {
    let latestDevices = lastByKey(devices, deviceKey);
    let latestAgents = lastByKey(agents, (x) => x.agentId);
    let changes = [...transitions];
    if (latestDevices.length === 0 && latestAgents.length === 0 && changes.length === 0) return;
    const fence = this.fence;
    await this.sql.transaction(async (tx) => {
      if (fence) {
        const halls = new Set<string>();
        for (const d of latestDevices) halls.add(d.hallId);
        for (const a of latestAgents) halls.add(a.hallId);
        for (const t of changes) halls.add(t.device.hallId);
        const writable = await fence.writable(tx, halls);
        latestDevices = latestDevices.filter((d) => writable.has(d.hallId));
        latestAgents = latestAgents.filter((a) => writable.has(a.hallId));
        changes = changes.filter((t) => writable.has(t.device.hallId));
      }
      const deviceParams: SqlValue[] = [];
      for (const d of latestDevices) pushDeviceParams(deviceParams, d);
      const agentParams: SqlValue[] = [];
      for (const a of latestAgents) pushAgentParams(agentParams, a);
      await UPSERT_DEVICES.run(tx, deviceParams);
      await UPSERT_AGENTS.run(tx, agentParams);
      await writeIntervals(tx, intervalParams(changes));
    });
  }

  /** The intervals of a device that overlap [fromMs, toMs), oldest first. */
  async connectivityHistory(
    hallId: string,
    deviceId: string,
    fromMs: number,
    toMs: number,
  ): Promise<ConnectivityInterval[]> {
    const rows = await this.sql.all<{
      hall_id: string;
      device_id: string;
      connectivity: Connectivity;
      reason: string | null;
      start_ms: number;
      end_ms: number | null;
    }>(HISTORY, [hallId, deviceId, toMs, fromMs]);
    return rows.map((r) => ({
      hallId: r.hall_id,
      deviceId: r.device_id,
      connectivity: r.connectivity,
      reason: r.reason,
      startMs: r.start_ms,
      endMs: r.end_ms,
    }));
  }
}

/**
 * Each device's stored open interval is closed at its first transition of the batch; the intervals the batch
 * opens are inserted already closed by the device's next transition, the last one open.
 */
function intervalParams(transitions: Iterable<ConnectivityTransition>): {
  close: SqlValue[];
  open: SqlValue[];
} {
  const close: SqlValue[] = [];
  const open: SqlValue[] = [];
  /** Per device, where its latest interval's end_ms sits in `open`. */
  const lastEndAt = new Map<string, number>();
  for (const t of transitions) {
    const key = deviceKey(t.device);
    const previous = lastEndAt.get(key);
    if (previous === undefined) close.push(t.device.hallId, t.device.deviceId, t.atMs);
    else open[previous] = t.atMs;
    open.push(t.device.hallId, t.device.deviceId, t.to, t.reason, t.atMs, null);
    lastEndAt.set(key, open.length - 1);
  }
  return { close, open };
}

async function writeIntervals(tx: SqlExecutor, intervals: { close: SqlValue[]; open: SqlValue[] }) {
  await CLOSE_INTERVALS.run(tx, intervals.close);
  await OPEN_INTERVALS.run(tx, intervals.open);
}
