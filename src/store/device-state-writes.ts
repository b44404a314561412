import type { DeviceState } from "../core/presence/types.js";
import { deviceKey, lastByKey, pushDeviceParams, UPSERT_DEVICE_DATA } from "./presence-rows.js";
import type { SqlEngine, SqlValue } from "./sql/engine.js";

/**
 * The aggregator's hot write: what a data message changes on a stored device (last seen, values), as a multi-row
 * upsert that updates only those columns of an existing row. Same `devices` table as PresenceStore.
 */
export class DeviceStateWrites {
  constructor(private readonly sql: SqlEngine) {}

  /**
   * Saves last seen and values of `devices[from, to)` in one transaction; a device without a row (none yet, or
   * removed meanwhile) is written whole.
   */
  async saveData(devices: readonly DeviceState[], from = 0, to = devices.length): Promise<void> {
    if (to <= from) return;
    const params: SqlValue[] = [];
    for (const d of lastByKey(devices.slice(from, to), deviceKey)) pushDeviceParams(params, d);
    await this.sql.transaction((tx) => UPSERT_DEVICE_DATA.run(tx, params));
  }
}
