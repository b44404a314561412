import type { Alert } from "../core/alerts/alert.js";
import type { DeviceState } from "../core/presence/types.js";
import type { HistoryPoint } from "./history-point.js";
import { FIELD, MEASUREMENT, RETENTION, TAG } from "./schema.js";
import { alertTags } from "./to-points.js";

/** `change` tag of an alert_event point that only restates an open alert (not a change). */
export const STILL_OPEN = "still_open";

/**
 * Device states and open alerts only get a point when they change, so a state older than a dashboard's look-back
 * would vanish from "current state" panels. This restates them every `everyMs` (device_state with reason
 * `refresh`, alert_event with change `still_open`).
 */
export class StateRefresher {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly sink: { add(point: HistoryPoint): void },
    private readonly source: { devices(): Iterable<DeviceState>; activeAlerts(): Iterable<Alert> },
    private readonly everyMs = 3_600_000,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.refresh(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  refresh(): void {
    const timeMs = this.now();
    for (const d of this.source.devices()) {
      if (d.retired) continue;
      this.sink.add({
        rp: RETENTION.raw,
        measurement: MEASUREMENT.deviceState,
        tags: { [TAG.hall]: d.hallId, [TAG.kind]: d.kind, [TAG.device]: d.deviceId },
        fields: {
          [FIELD.deviceState.connectivity]: d.connectivity,
          ...(d.connectivity === "unknown"
            ? {}
            : { [FIELD.deviceState.up]: d.connectivity === "online" ? 1 : 0 }),
          [FIELD.deviceState.reason]: "refresh",
        },
        timeMs,
      });
    }
    for (const alert of this.source.activeAlerts()) {
      this.sink.add({
        rp: RETENTION.long,
        measurement: MEASUREMENT.alertEvent,
        tags: alertTags(alert, STILL_OPEN),
        fields: {
          [FIELD.alertEvent.alertId]: alert.id,
          [FIELD.alertEvent.open]: 1,
          [FIELD.alertEvent.inMaintenance]: alert.inMaintenance ? 1 : 0,
          [FIELD.alertEvent.message]: alert.summary.en,
        },
        timeMs,
      });
    }
  }
}
