import type { DashboardBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { FIELD, MEASUREMENT, TAG } from "../../src/influx/schema.js";
import { as, count, eq, field, max, mean, select, timeFilter, top } from "../influxql.js";
import { ALERT_CHANGE } from "../lib/alert-changes.js";
import { barGaugePanel, hallwatchDashboard, statPanel, tablePanel, timeSeriesPanel } from "../lib/panels.js";
import { deviceScope, selectFrom } from "../lib/sources.js";
import { influx } from "../lib/target.js";
import { deviceVariable, hallVariable, kindVariable } from "../lib/variables.js";

const A = FIELD.alertEvent;
const WORST_DEVICES = 10;

const changes = (change: string) =>
  selectFrom(MEASUREMENT.alertEvent, as(count(field(A.alertId)), "alerts")).where(
    timeFilter(),
    eq(TAG.change, change),
    ...deviceScope(),
  );

const MTTR_NOTE =
  "Mean time from raise to resolve per alert (duration_sec of the resolved changes in the range). The console's " +
  "MTTR merges overlapping faults of a device into one failure, so it can be lower when faults overlap.";

export function faults(): DashboardBuilder {
  return hallwatchDashboard({
    uid: "hallwatch-faults",
    title: "Hallwatch / Faults",
    description: "Alerts raised and resolved: counts by fault and severity, repair times, the worst devices.",
    from: "now-7d",
  })
    .withVariable(hallVariable())
    .withVariable(kindVariable())
    .withVariable(deviceVariable())
    .withPanel(
      statPanel({
        title: "Alerts raised by severity",
        targets: [influx(changes(ALERT_CHANGE.raised).groupBy(TAG.severity)).alias("$tag_severity")],
        calc: "sum",
        noValue: "0",
        width: 12,
        height: 5,
      }),
    )
    .withPanel(
      statPanel({
        title: "MTTR by kind",
        description: MTTR_NOTE,
        targets: [
          influx(
            selectFrom(MEASUREMENT.alertEvent, as(mean(field(A.durationSec)), "mttr"))
              .where(timeFilter(), eq(TAG.change, ALERT_CHANGE.resolved), ...deviceScope())
              .groupBy(TAG.kind),
          ).alias("$tag_kind"),
        ],
        unit: "s",
        width: 12,
        height: 5,
      }),
    )
    .withPanel(
      timeSeriesPanel({
        title: "Alerts raised over time",
        targets: [
          influx(changes(ALERT_CHANGE.raised).groupByTime("$__interval").groupBy(TAG.severity).fill(0)).alias(
            "$tag_severity",
          ),
        ],
        bars: true,
        minInterval: "1h",
        width: 24,
        height: 8,
      }),
    )
    .withPanel(
      barGaugePanel({
        title: "Alerts raised by fault",
        targets: [influx(changes(ALERT_CHANGE.raised).groupBy(TAG.fault)).alias("$tag_fault")],
        width: 8,
        height: 10,
      }),
    )
    .withPanel(
      tablePanel({
        title: "Repair time by fault",
        description: `${MTTR_NOTE} Times in seconds.`,
        targets: [
          influx(
            selectFrom(
              MEASUREMENT.alertEvent,
              as(count(field(A.durationSec)), "resolved"),
              as(mean(field(A.durationSec)), "mttr"),
              as(max(field(A.durationSec)), "longest"),
            )
              .where(timeFilter(), eq(TAG.change, ALERT_CHANGE.resolved), ...deviceScope())
              .groupBy(TAG.kind, TAG.fault),
          ).table(),
        ],
        width: 8,
        height: 10,
      }),
    )
    .withPanel(
      tablePanel({
        title: `Worst devices (top ${WORST_DEVICES} per hall by alerts raised)`,
        targets: [
          influx(
            select(top(field("alerts"), WORST_DEVICES, TAG.device))
              .fromSubquery(changes(ALERT_CHANGE.raised).groupBy(TAG.hall, TAG.device))
              .groupBy(TAG.hall),
          ).table(),
        ],
        width: 8,
        height: 10,
      }),
    );
}
