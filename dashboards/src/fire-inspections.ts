import type { DashboardBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { FIELD, MEASUREMENT, TAG } from "../../src/influx/schema.js";
import { as, compare, count, div, field, last, mul, num, sum, timeFilter } from "../influxql.js";
import { barGaugePanel, hallwatchDashboard, statPanel, tablePanel, timeSeriesPanel } from "../lib/panels.js";
import { redBelow } from "../lib/rule-thresholds.js";
import { scope, selectFrom } from "../lib/sources.js";
import { influx } from "../lib/target.js";
import { hallVariable } from "../lib/variables.js";

const C = FIELD.inspectionCompliance;
const I = FIELD.inspection;

/** Below this share of due inspections done in a range, the compliance figure turns red. */
const COMPLIANT_PCT = 100;

const compliance = () =>
  selectFrom(
    MEASUREMENT.inspectionCompliance,
    as(mul(div(sum(field(C.done)), sum(field(C.due))), num(100)), "compliance"),
  ).where(timeFilter(), ...scope("hall"));

export function fireInspections(): DashboardBuilder {
  return hallwatchDashboard({
    uid: "hallwatch-fire-inspections",
    title: "Hallwatch / Fire inspections",
    description:
      "Inspections of extinguishers and hydrants: compliance per period (done ÷ due), missed (overdue) ones, " +
      "failed checklists and each asset's last inspection.",
    from: "now-90d",
  })
    .withVariable(hallVariable())
    .withPanel(
      statPanel({
        title: "Compliance by hall",
        description: "Inspections done ÷ due over the periods in the range.",
        targets: [influx(compliance().groupBy(TAG.hall)).alias("$tag_hall")],
        unit: "percent",
        decimals: 1,
        thresholds: redBelow(COMPLIANT_PCT),
        width: 12,
        height: 5,
      }),
    )
    .withPanel(
      statPanel({
        title: "Missed (overdue) inspections by hall",
        description: "Inspections not done by the end of their period; pending ones are still within it.",
        targets: [
          influx(
            selectFrom(MEASUREMENT.inspectionCompliance, as(sum(field(C.missed)), "missed"))
              .where(timeFilter(), ...scope("hall"))
              .groupBy(TAG.hall),
          ).alias("$tag_hall missed"),
          influx(
            selectFrom(MEASUREMENT.inspectionCompliance, as(sum(field(C.pending)), "pending"))
              .where(timeFilter(), ...scope("hall"))
              .groupBy(TAG.hall),
          ).alias("$tag_hall pending"),
        ],
        noValue: "0",
        width: 12,
        height: 5,
      }),
    )
    .withPanel(
      timeSeriesPanel({
        title: "Compliance per period",
        targets: [
          influx(
            selectFrom(MEASUREMENT.inspectionCompliance, field(C.compliancePct))
              .where(timeFilter(), ...scope("hall"))
              .groupBy(TAG.hall),
          ).alias("$tag_hall"),
        ],
        unit: "percent",
        min: 0,
        max: 100,
        bars: true,
        width: 16,
        height: 8,
      }),
    )
    .withPanel(
      barGaugePanel({
        title: "Inspection records by asset type",
        targets: [
          influx(
            selectFrom(MEASUREMENT.inspection, as(count(field(I.recordId)), "records"))
              .where(timeFilter(), ...scope("hall"))
              .groupBy(TAG.assetType),
          ).alias("$tag_asset_type"),
        ],
        calc: "sum",
        width: 8,
        height: 8,
      }),
    )
    .withPanel(
      tablePanel({
        title: "Failed inspections",
        targets: [
          influx(
            selectFrom(
              MEASUREMENT.inspection,
              field(I.recordId),
              field(I.inspector),
              field(I.failedItems),
              field(I.failedItemNames),
              field(I.dueDate),
              field(I.late),
            )
              .where(timeFilter(), compare(I.passed, "=", 0), ...scope("hall"))
              .groupBy(TAG.hall, TAG.assetType, TAG.asset)
              .orderByTimeDesc(),
          ).table(),
        ],
        width: 12,
        height: 10,
      }),
    )
    .withPanel(
      tablePanel({
        title: "Last inspection per asset",
        description:
          "Time of each asset's last inspection record in the range and whether it passed (1) or not (0).",
        targets: [
          influx(
            selectFrom(MEASUREMENT.inspection, as(last(field(I.passed)), "passed"))
              .where(timeFilter(), ...scope("hall"))
              .groupBy(TAG.hall, TAG.assetType, TAG.asset),
          ).table(),
        ],
        width: 12,
        height: 10,
      }),
    );
}
