import type { DashboardBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { FIELD, MEASUREMENT, TAG } from "../../src/influx/schema.js";
import {
  add,
  as,
  compareExpr,
  div,
  type Expr,
  field,
  mul,
  num,
  type SelectQuery,
  select,
  sum,
  timeFilter,
} from "../influxql.js";
import { barGaugePanel, hallwatchDashboard, statPanel, tablePanel, timeSeriesPanel } from "../lib/panels.js";
import { deviceScope, selectFrom } from "../lib/sources.js";
import { influx } from "../lib/target.js";
import { deviceVariable, hallVariable, kindVariable } from "../lib/variables.js";

const U = FIELD.uptime;

/**
 * Availability as the console computes it (docs/uptime.md): up ÷ (up + down) over expected time, which already
 * leaves out closed hours and maintenance; unknown time counts on neither side. Sums of the hourly roll-ups, never
 * a mean of percentages, so kind and hall figures weigh each device by its expected time.
 */
export const availabilityPct = (): Expr =>
  as(
    mul(div(sum(field(U.upSec)), add(sum(field(U.upSec)), sum(field(U.downSec)))), num(100)),
    "availability",
  );

/**
 * The same ratio with nothing where up + down = 0 (nothing expected, or all of it unknown): InfluxQL divides by
 * zero as 0, and 0 % would read as a total outage where the console shows no figure.
 */
function availabilityBy(tags: string[], bucket?: string): SelectQuery {
  let sums = selectFrom(MEASUREMENT.uptime, as(sum(field(U.upSec)), "up"), as(sum(field(U.downSec)), "down"))
    .where(timeFilter(), ...deviceScope())
    .groupBy(...tags);
  if (bucket) sums = sums.groupByTime(bucket);
  return select(as(mul(div(field("up"), add(field("up"), field("down"))), num(100)), "availability"))
    .fromSubquery(sums)
    .where(compareExpr(add(field("up"), field("down")), ">", 0))
    .groupBy(...tags);
}

const uptimeBy = (...tags: string[]) => availabilityBy(tags);

const DESCRIPTION =
  "Up ÷ (up + down) within opening hours (fire equipment and gateways: around the clock), maintenance excluded, " +
  "unknown time left out — the console's figures. Rows are hourly: choose a range on whole hours to match the " +
  "console's totals exactly.";

export function uptime(): DashboardBuilder {
  return hallwatchDashboard({
    uid: "hallwatch-uptime",
    title: "Hallwatch / Uptime",
    description: "Availability per hall, kind and device from the hourly roll-ups (uptime_hourly).",
    from: "now-7d",
  })
    .withVariable(hallVariable())
    .withVariable(kindVariable())
    .withVariable(deviceVariable())
    .withPanel(
      statPanel({
        title: "Availability by hall",
        description: DESCRIPTION,
        targets: [influx(uptimeBy(TAG.hall)).alias("$tag_hall")],
        unit: "percent",
        decimals: 2,
        width: 12,
        height: 6,
      }),
    )
    .withPanel(
      barGaugePanel({
        title: "Availability by kind",
        description: DESCRIPTION,
        targets: [influx(uptimeBy(TAG.kind)).alias("$tag_kind")],
        unit: "percent",
        min: 0,
        max: 100,
        width: 12,
        height: 6,
      }),
    )
    .withPanel(
      timeSeriesPanel({
        title: "Availability over time by hall",
        description: DESCRIPTION,
        targets: [influx(availabilityBy([TAG.hall], "$__interval")).alias("$tag_hall")],
        unit: "percent",
        max: 100,
        minInterval: "1h",
        width: 24,
        height: 8,
      }),
    )
    .withPanel(
      tablePanel({
        title: "Availability by device",
        description: `${DESCRIPTION} Times in seconds; a device with no up or down time (nothing expected, or all unknown) shows 0 %.`,
        targets: [
          influx(
            selectFrom(
              MEASUREMENT.uptime,
              availabilityPct(),
              as(sum(field(U.expectedSec)), "expected"),
              as(sum(field(U.upSec)), "up"),
              as(sum(field(U.downSec)), "down"),
              as(sum(field(U.unknownSec)), "unknown"),
              as(sum(field(U.maintenanceSec)), "maintenance"),
            )
              .where(timeFilter(), ...deviceScope())
              .groupBy(TAG.hall, TAG.kind, TAG.device),
          ).table(),
        ],
        width: 24,
        height: 12,
      }),
    );
}
