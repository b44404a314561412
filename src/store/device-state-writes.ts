import type { DeviceState } from "../core/presence/types.js";
import type { Db } from "./database.js";
import type { PresenceStore } from "./presence-store.js";

/**
 * The aggregator's hot write: what a data message changes on a stored device (last seen, values), as one short
 * positional UPDATE per device instead of the whole-row upsert. Same `devices` table as PresenceStore.
 */
export class DeviceStateWrites {
  private readonly updateData;

  constructor(
    private readonly db: Db,
    private readonly presence: PresenceStore,
  ) {
    this.updateData = db.prepare(
      "UPDATE devices SET last_seen_ms = ?, values_json = ?, values_ts_ms = ? WHERE hall_id = ? AND device_id = ?",
    );
  }

  /**
   * Saves last seen and values of `devices[from, to)` in one transaction; a device without a row (none yet, or
   * removed meanwhile) is written whole.
   */
  saveData(devices: readonly DeviceState[], from = 0, to = devices.length): void {
    this.db.transaction(() => {
      for (let i = from; i < to; i++) {
        const d = devices[i] as DeviceState;
        const values = d.values === null ? null : JSON.stringify(d.values);
        const { changes } = this.updateData.run(d.lastSeenMs, values, d.valuesTsMs, d.hallId, d.deviceId);
        if (changes === 0) this.presence.save([d], [], []);
      }
    })();
  }
}
