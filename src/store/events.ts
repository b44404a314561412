import { BatchInsert } from "./sql/batch-insert.js";
import type { SqlEngine, SqlValue } from "./sql/engine.js";

export interface StoredDeviceEvent {
  hallId: string;
  deviceId: string;
  tsMs: number;
  receivedMs: number;
  type: string;
  message: string | null;
  data: Record<string, string | number | boolean | null> | null;
  historical: boolean;
}

interface EventRow {
  hall_id: string;
  device_id: string;
  ts_ms: number;
  received_ms: number;
  type: string;
  message: string | null;
  data_json: string | null;
  historical: number;
}

const INSERT = new BatchInsert(
  "INSERT INTO device_events (hall_id, device_id, ts_ms, received_ms, type, message, data_json, historical)",
  8,
);
const LAST_ID = "SELECT MAX(id) AS id FROM device_events";
const PRUNE = "DELETE FROM device_events WHERE id <= ?";
const RECENT = `SELECT hall_id, device_id, ts_ms, received_ms, type, message, data_json, historical FROM device_events
  WHERE hall_id = ? AND device_id = ? ORDER BY ts_ms DESC, id DESC LIMIT ?`;

/** Device events (discrete changes reported by agents), kept for the device page; pruned past `maxRows`. */
export class DeviceEventStore {
  constructor(
    private readonly sql: SqlEngine,
    private readonly maxRows = 500_000,
  ) {}

  /** Writes the events as they are at the call (copied before the first await) in one transaction. */
  async saveBatch(events: readonly StoredDeviceEvent[]): Promise<void> {
    if (events.length === 0) return;
    const params: SqlValue[] = [];
    for (const e of events)
      params.push(
        e.hallId,
        e.deviceId,
        e.tsMs,
        e.receivedMs,
        e.type,
        e.message,
        e.data === null ? null : JSON.stringify(e.data),
        e.historical ? 1 : 0,
      );
    await this.sql.transaction(async (tx) => {
      await INSERT.run(tx, params);
      const last = await tx.get<{ id: number | null }>(LAST_ID);
      if (last?.id != null && last.id > this.maxRows) await tx.run(PRUNE, [last.id - this.maxRows]);
    });
  }

  /** A device's latest events, newest first. */
  async recent(hallId: string, deviceId: string, limit: number): Promise<StoredDeviceEvent[]> {
    const rows = await this.sql.all<EventRow>(RECENT, [hallId, deviceId, limit]);
    return rows.map((r) => ({
      hallId: r.hall_id,
      deviceId: r.device_id,
      tsMs: r.ts_ms,
      receivedMs: r.received_ms,
      type: r.type,
      message: r.message,
      data: r.data_json === null ? null : JSON.parse(r.data_json),
      historical: Number(r.historical) === 1,
    }));
  }
}
