/**
 * The InfluxDB data source every dashboard uses: a `datasource` variable whose default is the provisioned
 * data source (dashboards/provisioning/datasources/hallwatch-influxdb.yaml), so a Grafana with its own InfluxDB
 * data source can pick it from the dashboard's variable bar instead.
 */
export const DATASOURCE = {
  type: "influxdb",
  /** Fixed in the provisioning file, so dashboards can refer to it across Grafana instances. */
  uid: "hallwatch-influxdb",
  name: "Hallwatch InfluxDB",
  variable: "datasource",
} as const;

/** What panels and query variables point at: whatever the `datasource` variable selects. */
export const influxDatasource = { type: DATASOURCE.type, uid: `\${${DATASOURCE.variable}}` };
