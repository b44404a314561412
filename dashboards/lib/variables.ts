import {
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  VariableRefresh,
  VariableSort,
} from "@grafana/grafana-foundation-sdk/dashboard";
import { MEASUREMENT, TAG } from "../../src/influx/schema.js";
import { matchesVariable, showTagValues } from "../influxql.js";
import { DATASOURCE, influxDatasource } from "./datasource.js";
import type { VARIABLE } from "./sources.js";

/**
 * Template variables. Tag values come from the telemetry measurement: every device that reports is in its
 * index while its raw retention lasts. Hall → kind → device are chained: each lists what the previous ones allow.
 * "All" is sent as `.*` rather than every value spelled out, so a province of devices keeps queries short; the
 * other variables still narrow the result.
 */
export function datasourceVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder(DATASOURCE.variable)
    .label("InfluxDB")
    .type(DATASOURCE.type)
    .current({ text: DATASOURCE.name, value: DATASOURCE.uid });
}

const ALL = { text: "All", value: "$__all" };

function tagVariable(name: keyof typeof VARIABLE, label: string, query: string): QueryVariableBuilder {
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(influxDatasource)
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnDashboardLoad)
    .sort(VariableSort.AlphabeticalAsc);
}

/** Many-valued (with All) by default; the device detail dashboard asks for exactly one device. */
function manyValued(variable: QueryVariableBuilder): QueryVariableBuilder {
  return variable
    .multi(true)
    .includeAll(true)
    .allValue(".*")
    .current({ text: [ALL.text], value: [ALL.value] });
}

export const hallQuery = (): string => showTagValues(MEASUREMENT.telemetry, TAG.hall);
export const kindQuery = (): string =>
  showTagValues(MEASUREMENT.telemetry, TAG.kind, matchesVariable(TAG.hall, "hall"));
export const deviceQuery = (): string =>
  showTagValues(
    MEASUREMENT.telemetry,
    TAG.device,
    matchesVariable(TAG.hall, "hall"),
    matchesVariable(TAG.kind, "kind"),
  );

export const hallVariable = (): QueryVariableBuilder => manyValued(tagVariable("hall", "Hall", hallQuery()));
export const kindVariable = (): QueryVariableBuilder => manyValued(tagVariable("kind", "Kind", kindQuery()));
export const deviceVariable = (options: { single?: boolean } = {}): QueryVariableBuilder => {
  const variable = tagVariable("device", "Device", deviceQuery());
  return options.single ? variable.multi(false).includeAll(false) : manyValued(variable);
};
