import type { Db } from "./database.js";

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

/** Device events (discrete changes reported by agents), kept for the device page; pruned past `maxRows`. */
export class DeviceEventStore {
  private readonly insert;

  constructor(
    private readonly db: Db,
    private readonly maxRows = 500_000,
  ) {
    this.insert = db.prepare(
      `INSERT INTO device_events (hall_id, device_id, ts_ms, received_ms, type, message, data_json, historical)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  saveBatch(events: readonly StoredDeviceEvent[]): void {
    if (events.length === 0) return;
    this.db.transaction(() => {
      for (const e of events) {
        this.insert.run(
          e.hallId,
          e.deviceId,
          e.tsMs,
          e.receivedMs,
          e.type,
          e.message,
          e.data === null ? null : JSON.stringify(e.data),
          e.historical ? 1 : 0,
        );
      }
      const last = this.db.prepare("SELECT MAX(id) AS id FROM device_events").get() as { id: number | null };
      if (last.id !== null && last.id > this.maxRows) {
        this.db.prepare("DELETE FROM device_events WHERE id <= ?").run(last.id - this.maxRows);
      }
    })();
  }

  recent(hallId: string, deviceId: string, limit: number): StoredDeviceEvent[] {
    const rows = this.db
      .prepare(
        `SELECT hall_id, device_id, ts_ms, received_ms, type, message, data_json, historical FROM device_events
         WHERE hall_id = ? AND device_id = ? ORDER BY ts_ms DESC, id DESC LIMIT ?`,
      )
      .all(hallId, deviceId, limit) as {
      hall_id: string;
      device_id: string;
      ts_ms: number;
      received_ms: number;
      type: string;
      message: string | null;
      data_json: string | null;
      historical: number;
    }[];
    return rows.map((r) => ({
      hallId: r.hall_id,
      deviceId: r.device_id,
      tsMs: r.ts_ms,
      receivedMs: r.received_ms,
      type: r.type,
      message: r.message,
      data: r.data_json === null ? null : JSON.parse(r.data_json),
      historical: r.historical === 1,
    }));
  }
}
