import type { DashboardBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import type { QueueValues } from "../../src/contract/index.js";
import { FIELD, MEASUREMENT, TAG } from "../../src/influx/schema.js";
import { as, count, eq, field, fieldsMatching, last, mean, timeFilter } from "../influxql.js";
import { ALERT_CHANGE } from "../lib/alert-changes.js";
import { hallwatchDashboard, statPanel, timeSeriesPanel } from "../lib/panels.js";
import { RULE_DEFAULTS_NOTE, redAbove, ruleParam } from "../lib/rule-thresholds.js";
import { scope, selectFrom } from "../lib/sources.js";
import { influx } from "../lib/target.js";
import { hallVariable } from "../lib/variables.js";

const QUEUE = "queue";
const CONGESTION = "congestion";

/** A queue machine's numeric telemetry field, averaged per interval, one series per hall and machine. */
const queueField = (name: keyof QueueValues) =>
  influx(
    selectFrom(MEASUREMENT.telemetry, mean(field(name)))
      .where(timeFilter(), eq(TAG.kind, QUEUE), ...scope("hall"))
      .groupByTime("$__interval")
      .groupBy(TAG.hall, TAG.device)
      .fill("none"),
  ).alias("$tag_hall / $tag_device");

const congestionAlerts = () =>
  selectFrom(MEASUREMENT.alertEvent, as(count(field(FIELD.alertEvent.alertId)), "congestion")).where(
    timeFilter(),
    eq(TAG.fault, CONGESTION),
    eq(TAG.change, ALERT_CHANGE.raised),
    ...scope("hall"),
  );

export function queueCongestion(): DashboardBuilder {
  return hallwatchDashboard({
    uid: "hallwatch-queue-congestion",
    title: "Hallwatch / Queue and congestion",
    description:
      "Customers waiting, the longest wait, open counters and congestion alerts from the queue machines.",
    from: "now-12h",
  })
    .withVariable(hallVariable())
    .withPanel(
      timeSeriesPanel({
        title: "Customers waiting",
        description: `Congestion is raised above the dashed line. ${RULE_DEFAULTS_NOTE}`,
        targets: [queueField("waitingTotal")],
        thresholds: redAbove(ruleParam("queue", CONGESTION, "waitingAbove")),
        min: 0,
        width: 12,
        height: 8,
      }),
    )
    .withPanel(
      timeSeriesPanel({
        title: "Longest wait",
        description: `Congestion is raised above the dashed line. ${RULE_DEFAULTS_NOTE}`,
        targets: [queueField("longestWaitSec")],
        thresholds: redAbove(ruleParam("queue", CONGESTION, "longestWaitAboveSec")),
        unit: "s",
        min: 0,
        width: 12,
        height: 8,
      }),
    )
    .withPanel(
      timeSeriesPanel({
        title: "Waiting by service",
        targets: [
          influx(
            selectFrom(MEASUREMENT.telemetry, mean(fieldsMatching("^waitingByService_")))
              .where(timeFilter(), eq(TAG.kind, QUEUE), ...scope("hall"))
              .groupByTime("$__interval")
              .groupBy(TAG.hall)
              .fill("none"),
          ).alias("$tag_hall $col"),
        ],
        min: 0,
        width: 12,
        height: 8,
      }),
    )
    .withPanel(
      timeSeriesPanel({
        title: "Counters open",
        targets: [queueField("countersOpen")],
        min: 0,
        width: 12,
        height: 8,
      }),
    )
    .withPanel(
      statPanel({
        title: "Tickets issued today",
        targets: [
          influx(
            selectFrom(
              MEASUREMENT.telemetry,
              as(last(field("ticketsIssuedToday" satisfies keyof QueueValues)), "issued"),
            )
              .where(timeFilter(), eq(TAG.kind, QUEUE), ...scope("hall"))
              .groupBy(TAG.hall, TAG.device),
          ).alias("$tag_hall / $tag_device"),
        ],
        width: 8,
        height: 6,
      }),
    )
    .withPanel(
      statPanel({
        title: "Congestion alerts raised",
        targets: [influx(congestionAlerts().groupBy(TAG.hall)).alias("$tag_hall")],
        calc: "sum",
        noValue: "0",
        width: 8,
        height: 6,
      }),
    )
    .withPanel(
      timeSeriesPanel({
        title: "Congestion alerts over time",
        targets: [
          influx(congestionAlerts().groupByTime("$__interval").groupBy(TAG.hall).fill(0)).alias("$tag_hall"),
        ],
        bars: true,
        minInterval: "1h",
        width: 8,
        height: 6,
      }),
    );
}
