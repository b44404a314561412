import type { HallFence } from "../cluster/hall-fence.js";
import type { DeviceState } from "../core/presence/types.js";
import { deviceKey, lastByKey, pushDeviceParams, UPSERT_DEVICE_DATA } from "./presence-rows.js";
import type { SqlEngine, SqlValue } from "./sql/engine.js";

/**
 * The aggregator's hot write: what a data message changes on a stored device (last seen, values), as a multi-row
 * upsert that updates only those columns of an existing row. Same `devices` table as PresenceStore.
 */
export class DeviceStateWrites {
  /** With a fence, only the rows of the halls this node still owns are written (see PresenceStore). */
  constructor(
    private readonly sql: SqlEngine,
    private readonly fence: HallFence | null = null,
  ) {}

  /**
   * Saves last seen and values of `devices[from, to)` in one transaction; a device without a row (none yet, or
   * removed meanwhile) is written whole.
   */
  async saveData(devices: readonly DeviceState[], from = 0, to = devices.length): Promise<void> {
    if (to <= from) return;
    let latest = lastByKey(devices.slice(from, to), deviceKey);
    const fence = this.fence;
    await this.sql.transaction(async (tx) => {
      if (fence) {
        const writable = await fence.writable(tx, new Set(latest.map((d) => d.hallId)));
        latest = latest.filter((d) => writable.has(d.hallId));
      }
      const params: SqlValue[] = [];
      for (const d of latest) pushDeviceParams(params, d);
      await UPSERT_DEVICE_DATA.run(tx, params);
    });
  }
}
