import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import type { SelectQuery } from "../influxql.js";
import { influxDatasource } from "./datasource.js";

/**
 * A raw InfluxQL query as Grafana's InfluxDB data source stores it (the foundation SDK has no InfluxDB query
 * type). `time_series` gives one frame per series; `table` one row per point, tags as columns.
 */
export interface InfluxQuery extends cog.Dataquery {
  refId?: string;
  hide?: boolean;
  datasource?: { type?: string; uid?: string };
  query: string;
  rawQuery: true;
  resultFormat: "time_series" | "table";
  /** Series name pattern, e.g. `$tag_device`. */
  alias?: string;
}

export class InfluxTarget implements cog.Builder<cog.Dataquery> {
  private readonly internal: InfluxQuery;

  constructor(query: SelectQuery | string) {
    this.internal = {
      datasource: influxDatasource,
      query: String(query),
      rawQuery: true,
      resultFormat: "time_series",
      _implementsDataqueryVariant() {},
    };
  }

  build(): InfluxQuery {
    return this.internal;
  }

  refId(refId: string): this {
    this.internal.refId = refId;
    return this;
  }

  /** One row per point, tags as columns: for table panels. */
  table(): this {
    this.internal.resultFormat = "table";
    return this;
  }

  alias(alias: string): this {
    this.internal.alias = alias;
    return this;
  }
}

/** Shorthand: `influx(query).refId("A")`. */
export const influx = (query: SelectQuery | string): InfluxTarget => new InfluxTarget(query);
