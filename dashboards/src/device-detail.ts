import type { ThresholdsConfigBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { type DashboardBuilder, RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import type { DeviceKind, TelemetryValuesByKind } from "../../src/contract/index.js";
import { FIELD, MEASUREMENT, TAG } from "../../src/influx/schema.js";
import { as, eq, field, last, mean, timeFilter } from "../influxql.js";
import {
  BOOLEAN_COLORS,
  CONNECTIVITY_COLORS,
  hallwatchDashboard,
  stateColors,
  stateTimelinePanel,
  tablePanel,
  timeSeriesPanel,
} from "../lib/panels.js";
import { greenBetween, RULE_DEFAULTS_NOTE, redAbove, redBelow, ruleParam } from "../lib/rule-thresholds.js";
import { deviceScope, scope, selectFrom } from "../lib/sources.js";
import { influx } from "../lib/target.js";
import { deviceVariable, hallVariable, kindVariable } from "../lib/variables.js";

type FieldOf<K extends DeviceKind> = keyof TelemetryValuesByKind[K] & string;

/** One device's numeric telemetry (only the row of its kind has data), averaged per interval. */
function numeric<K extends DeviceKind>(
  kind: K,
  title: string,
  names: FieldOf<K>[],
  options: { unit?: string; thresholds?: ThresholdsConfigBuilder; min?: number; max?: number } = {},
) {
  const query = selectFrom(MEASUREMENT.telemetry, ...names.map((n) => as(mean(field(n)), n)))
    .where(timeFilter(), eq(TAG.kind, kind), ...scope("hall", "device"))
    .groupByTime("$__interval")
    .groupBy(TAG.hall, TAG.device)
    .fill("none");
  return timeSeriesPanel({
    title,
    description: options.thresholds ? RULE_DEFAULTS_NOTE : undefined,
    targets: [influx(query).alias("$tag_hall / $tag_device $col")],
    ...options,
    width: 8,
    height: 7,
  });
}

/** Booleans and strings (printer state, power) as a state timeline: the last value of each interval. */
function states<K extends DeviceKind>(kind: K, title: string, names: FieldOf<K>[], colors = BOOLEAN_COLORS) {
  const query = selectFrom(MEASUREMENT.telemetry, ...names.map((n) => as(last(field(n)), n)))
    .where(timeFilter(), eq(TAG.kind, kind), ...scope("hall", "device"))
    .groupByTime("$__interval")
    .groupBy(TAG.hall, TAG.device)
    .fill("previous");
  return stateTimelinePanel({
    title,
    targets: [influx(query).alias("$tag_hall / $tag_device $col")],
    mappings: colors,
    width: 8,
    height: 7,
  });
}

const PRINTER_COLORS = stateColors({
  ok: "green",
  paper_low: "yellow",
  paper_out: "red",
  jam: "red",
  cover_open: "orange",
  offline: "gray",
});
/** For booleans that mean trouble when true (obstructed, door open). */
const TRUE_IS_BAD = stateColors({ false: "green", true: "red" });
const MPA = "suffix: MPa";
const POWER_COLORS = stateColors({ on: "green", standby: "yellow", off: "red" });

export function deviceDetail(): DashboardBuilder {
  return hallwatchDashboard({
    uid: "hallwatch-device-detail",
    title: "Hallwatch / Device detail",
    description:
      "One device's telemetry against the thresholds of its fault rules, its connectivity and its alerts. " +
      "Only the row of the device's kind has data.",
    from: "now-6h",
  })
    .withVariable(hallVariable())
    .withVariable(kindVariable())
    .withVariable(deviceVariable({ single: true }))
    .withPanel(
      stateTimelinePanel({
        title: "Connectivity",
        targets: [
          influx(
            selectFrom(MEASUREMENT.deviceState, last(field(FIELD.deviceState.connectivity)))
              .where(timeFilter(), ...deviceScope())
              .groupByTime("$__interval")
              .groupBy(TAG.hall, TAG.device)
              .fill("previous"),
          ).alias("$tag_hall / $tag_device"),
        ],
        mappings: CONNECTIVITY_COLORS,
        width: 12,
        height: 6,
      }),
    )
    .withPanel(
      tablePanel({
        title: "Alert changes",
        targets: [
          influx(
            selectFrom(
              MEASUREMENT.alertEvent,
              field(FIELD.alertEvent.alertId),
              field(FIELD.alertEvent.open),
              field(FIELD.alertEvent.message),
            )
              .where(timeFilter(), ...deviceScope())
              .groupBy(TAG.fault, TAG.severity, TAG.change)
              .orderByTimeDesc()
              .limit(100),
          ).table(),
        ],
        width: 12,
        height: 6,
      }),
    )
    .withRow(new RowBuilder("Kiosk"))
    .withPanel(
      numeric("kiosk", "Disk, CPU, memory", ["diskPct", "cpuPct", "memPct"], {
        unit: "percent",
        thresholds: redAbove(ruleParam("kiosk", "disk_high", "abovePct")),
        min: 0,
        max: 100,
      }),
    )
    .withPanel(
      numeric("kiosk", "Receipt paper", ["paperPct"], {
        unit: "percent",
        thresholds: redBelow(ruleParam("kiosk", "paper_low", "belowPct")),
        min: 0,
        max: 100,
      }),
    )
    .withPanel(
      states(
        "kiosk",
        "Printer and application",
        ["printerState", "appOk"],
        [...PRINTER_COLORS, ...BOOLEAN_COLORS],
      ),
    )
    .withRow(new RowBuilder("Charger"))
    .withPanel(
      numeric("charger", "Enclosure temperature", ["enclosureTempC"], {
        unit: "celsius",
        thresholds: redAbove(ruleParam("charger", "overheat", "aboveC")),
      }),
    )
    .withPanel(numeric("charger", "Total power", ["totalPowerW"], { unit: "watt", min: 0 }))
    .withRow(new RowBuilder("TV"))
    .withPanel(states("tv", "Power and signal", ["power", "signalOk"], [...POWER_COLORS, ...BOOLEAN_COLORS]))
    .withPanel(
      numeric("tv", "Player heartbeat age", ["playerHeartbeatAgeSec"], {
        unit: "s",
        thresholds: redAbove(ruleParam("tv", "player_stalled", "aboveSec")),
        min: 0,
      }),
    )
    .withRow(new RowBuilder("Queue machine"))
    .withPanel(
      numeric("queue", "Customers waiting", ["waitingTotal"], {
        thresholds: redAbove(ruleParam("queue", "congestion", "waitingAbove")),
        min: 0,
      }),
    )
    .withPanel(
      numeric("queue", "Longest wait", ["longestWaitSec"], {
        unit: "s",
        thresholds: redAbove(ruleParam("queue", "congestion", "longestWaitAboveSec")),
        min: 0,
      }),
    )
    .withPanel(
      numeric("queue", "Ticket paper", ["paperPct"], {
        unit: "percent",
        thresholds: redBelow(ruleParam("queue", "paper_low", "belowPct")),
        min: 0,
        max: 100,
      }),
    )
    .withRow(new RowBuilder("Extinguisher"))
    .withPanel(
      numeric("extinguisher", "Pressure (green zone)", ["pressureMpa"], {
        unit: MPA,
        thresholds: greenBetween(
          ruleParam("extinguisher", "pressure_out_of_zone", "minMpa"),
          ruleParam("extinguisher", "pressure_out_of_zone", "maxMpa"),
        ),
        min: 0,
      }),
    )
    .withPanel(
      numeric("extinguisher", "Battery", ["batteryPct"], {
        unit: "percent",
        thresholds: redBelow(ruleParam("extinguisher", "battery_low", "belowPct")),
        min: 0,
        max: 100,
      }),
    )
    .withPanel(states("extinguisher", "On bracket, seal intact", ["present", "sealIntact"]))
    .withPanel(states("extinguisher", "Access obstructed", ["obstructed"], TRUE_IS_BAD))
    .withRow(new RowBuilder("Hydrant"))
    .withPanel(
      numeric("hydrant", "Water pressure", ["pressureMpa"], {
        unit: MPA,
        thresholds: redBelow(ruleParam("hydrant", "hydrant_low_pressure", "belowMpa")),
        min: 0,
      }),
    )
    .withPanel(
      numeric("hydrant", "Battery", ["batteryPct"], {
        unit: "percent",
        thresholds: redBelow(ruleParam("hydrant", "battery_low", "belowPct")),
        min: 0,
        max: 100,
      }),
    )
    .withPanel(states("hydrant", "Hose present", ["hosePresent"]))
    .withPanel(states("hydrant", "Cabinet door open", ["doorOpen"], TRUE_IS_BAD))
    .withRow(new RowBuilder("Gateway"))
    .withPanel(
      numeric("gateway", "Uplink latency", ["latencyMs"], {
        unit: "ms",
        thresholds: redAbove(ruleParam("gateway", "high_latency", "aboveMs")),
        min: 0,
      }),
    )
    .withPanel(
      numeric("gateway", "Packet loss, sensors online", ["packetLossPct", "sensorsOnline"], { min: 0 }),
    )
    .withPanel(states("gateway", "Uplink", ["uplinkOk"]));
}
