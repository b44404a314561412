import type { DashboardBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { FIELD, MEASUREMENT, TAG } from "../../src/influx/schema.js";
import { as, compare, count, eq, field, last, select, timeFilter } from "../influxql.js";
import {
  CONNECTIVITY_COLORS,
  hallwatchDashboard,
  stateTimelinePanel,
  statPanel,
  tablePanel,
} from "../lib/panels.js";
import { deviceScope, selectFrom } from "../lib/sources.js";
import { influx } from "../lib/target.js";
import { deviceVariable, hallVariable, kindVariable } from "../lib/variables.js";

const STATE = FIELD.deviceState;
const ALERT = FIELD.alertEvent;
/**
 * device_state has a point per transition only, and alert_event one per change, so "now" is the last point
 * however long ago: these panels look back 30 days (the default raw retention) whatever the dashboard's range.
 */
const LOOK_BACK = "30d";

/** Each device's last connectivity, one series per device. */
const lastConnectivity = () =>
  selectFrom(MEASUREMENT.deviceState, as(last(field(STATE.connectivity)), STATE.connectivity))
    .where(timeFilter(), ...deviceScope())
    .groupBy(TAG.hall, TAG.kind, TAG.device);

/** Each alert's (device and fault) last change: open = 1 while it is not resolved. */
const lastAlertState = () =>
  selectFrom(
    MEASUREMENT.alertEvent,
    as(last(field(ALERT.open)), ALERT.open),
    as(last(field(ALERT.alertId)), ALERT.alertId),
    as(last(field(ALERT.message)), ALERT.message),
  )
    .where(timeFilter(), ...deviceScope())
    .groupBy(TAG.hall, TAG.kind, TAG.device, TAG.fault, TAG.severity);

const devicesIn = (connectivity: string) =>
  influx(
    select(as(count(field(STATE.connectivity)), connectivity))
      .fromSubquery(lastConnectivity())
      .where(eq(STATE.connectivity, connectivity)),
  ).alias(connectivity);

export function hallOverview(): DashboardBuilder {
  return hallwatchDashboard({
    uid: "hallwatch-hall-overview",
    title: "Hallwatch / Hall overview",
    description: "Every device's connectivity and the open faults of the selected halls.",
  })
    .withVariable(hallVariable())
    .withVariable(kindVariable())
    .withVariable(deviceVariable())
    .withPanel(
      statPanel({
        title: "Devices by connectivity",
        description: "Devices whose last known state is online, offline or unknown (last 30 days).",
        targets: [devicesIn("online"), devicesIn("offline"), devicesIn("unknown")],
        timeFrom: LOOK_BACK,
        noValue: "0",
        width: 12,
        height: 5,
      }),
    )
    .withPanel(
      statPanel({
        title: "Open alerts by severity",
        description: "Alerts whose last change left them open (last 30 days of changes).",
        targets: [
          influx(
            select(as(count(field(ALERT.open)), "open alerts"))
              .fromSubquery(lastAlertState())
              .where(compare(ALERT.open, "=", 1))
              .groupBy(TAG.severity),
          ).alias("$tag_severity"),
        ],
        timeFrom: LOOK_BACK,
        noValue: "0",
        width: 12,
        height: 5,
      }),
    )
    .withPanel(
      tablePanel({
        title: "Device status",
        targets: [influx(lastConnectivity()).table()],
        mappings: CONNECTIVITY_COLORS,
        timeFrom: LOOK_BACK,
        width: 10,
        height: 12,
      }),
    )
    .withPanel(
      tablePanel({
        title: "Open faults",
        targets: [
          influx(
            select(field(ALERT.alertId), field(ALERT.message))
              .fromSubquery(lastAlertState())
              .where(compare(ALERT.open, "=", 1))
              .groupBy(TAG.hall, TAG.kind, TAG.device, TAG.fault, TAG.severity),
          ).table(),
        ],
        timeFrom: LOOK_BACK,
        width: 14,
        height: 12,
      }),
    )
    .withPanel(
      stateTimelinePanel({
        title: "Connectivity over time",
        targets: [
          influx(
            selectFrom(MEASUREMENT.deviceState, last(field(STATE.connectivity)))
              .where(timeFilter(), ...deviceScope())
              .groupByTime("$__interval")
              .groupBy(TAG.hall, TAG.device)
              .fill("previous"),
          ).alias("$tag_hall / $tag_device"),
        ],
        mappings: CONNECTIVITY_COLORS,
        width: 24,
        height: 12,
      }),
    );
}
