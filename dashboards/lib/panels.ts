import * as bargauge from "@grafana/grafana-foundation-sdk/bargauge";
import {
  BigValueColorMode,
  BigValueGraphMode,
  GraphDrawStyle,
  GraphThresholdsStyleConfigBuilder,
  GraphThresholdsStyleMode,
  ReduceDataOptionsBuilder,
  VizOrientation,
} from "@grafana/grafana-foundation-sdk/common";
import {
  DashboardBuilder,
  MappingType,
  type ThresholdsConfigBuilder,
  type ValueMapping,
} from "@grafana/grafana-foundation-sdk/dashboard";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as statetimeline from "@grafana/grafana-foundation-sdk/statetimeline";
import * as table from "@grafana/grafana-foundation-sdk/table";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { influxDatasource } from "./datasource.js";
import type { InfluxTarget } from "./target.js";
import { datasourceVariable } from "./variables.js";

/** What every Hallwatch dashboard shares: stable uid, tags, a datasource variable, a refresh and a time range. */
export function hallwatchDashboard(options: {
  uid: string;
  title: string;
  description: string;
  from?: string;
}): DashboardBuilder {
  return new DashboardBuilder(options.title)
    .uid(options.uid)
    .description(options.description)
    .tags(["hallwatch"])
    .editable()
    .timezone("browser")
    .time({ from: options.from ?? "now-24h", to: "now" })
    .refresh("1m")
    .withVariable(datasourceVariable());
}

interface Common {
  title: string;
  description?: string;
  targets: InfluxTarget[];
  width?: number;
  height?: number;
  unit?: string;
  decimals?: number;
  thresholds?: ThresholdsConfigBuilder;
  min?: number;
  max?: number;
  /** A panel time range of its own, e.g. "30d" to find the last state change however old. */
  timeFrom?: string;
  /** The smallest GROUP BY time Grafana may choose for $__interval, e.g. "1h" for hourly roll-ups. */
  minInterval?: string;
  mappings?: ValueMapping[];
  /** Shown instead of "No data", e.g. "0" for a count of nothing. */
  noValue?: string;
}

type AnyPanel =
  | timeseries.PanelBuilder
  | stat.PanelBuilder
  | table.PanelBuilder
  | statetimeline.PanelBuilder
  | bargauge.PanelBuilder;

function common<P extends AnyPanel>(panel: P, o: Common): P {
  panel.title(o.title).datasource(influxDatasource);
  panel.span(o.width ?? 12).height(o.height ?? 8);
  if (o.description) panel.description(o.description);
  o.targets.forEach((target, i) => {
    panel.withTarget(target.refId(String.fromCharCode(65 + i)));
  });
  if (o.unit) panel.unit(o.unit);
  if (o.decimals !== undefined) panel.decimals(o.decimals);
  if (o.thresholds) panel.thresholds(o.thresholds);
  if (o.min !== undefined) panel.min(o.min);
  if (o.max !== undefined) panel.max(o.max);
  if (o.timeFrom) panel.timeFrom(o.timeFrom);
  if (o.minInterval) panel.interval(o.minInterval);
  if (o.mappings) panel.mappings(o.mappings);
  if (o.noValue !== undefined) panel.noValue(o.noValue);
  return panel;
}

export function timeSeriesPanel(o: Common & { bars?: boolean }): timeseries.PanelBuilder {
  const panel = common(new timeseries.PanelBuilder(), o).spanNulls(true);
  if (o.bars) panel.drawStyle(GraphDrawStyle.Bars).fillOpacity(60);
  if (o.thresholds) {
    panel.thresholdsStyle(
      new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.DashedAndArea),
    );
  }
  return panel;
}

/** A big number per series, reduced with `calc` (default: the last value). */
export function statPanel(o: Common & { calc?: string }): stat.PanelBuilder {
  return common(new stat.PanelBuilder(), o)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs([o.calc ?? "lastNotNull"]).values(false))
    .graphMode(BigValueGraphMode.None)
    .colorMode(o.thresholds ? BigValueColorMode.Background : BigValueColorMode.None);
}

export function tablePanel(o: Common): table.PanelBuilder {
  return common(new table.PanelBuilder(), o);
}

export function stateTimelinePanel(o: Common): statetimeline.PanelBuilder {
  return common(new statetimeline.PanelBuilder(), o).spanNulls(true);
}

export function barGaugePanel(o: Common & { calc?: string }): bargauge.PanelBuilder {
  return common(new bargauge.PanelBuilder(), o)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs([o.calc ?? "lastNotNull"]).values(false))
    .orientation(VizOrientation.Horizontal);
}

/** Colours for a string state, e.g. `{ online: "green", offline: "red" }`. */
export function stateColors(colors: Record<string, string>): ValueMapping[] {
  const options: Record<string, { text: string; color: string; index: number }> = {};
  Object.entries(colors).forEach(([value, color], index) => {
    options[value] = { text: value, color, index };
  });
  return [{ type: MappingType.ValueToText, options }];
}

export const CONNECTIVITY_COLORS = stateColors({ online: "green", offline: "red", unknown: "gray" });
export const BOOLEAN_COLORS = stateColors({ true: "green", false: "red" });
