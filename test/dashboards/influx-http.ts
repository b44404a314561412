/** Runs InfluxQL over InfluxDB 1.x's HTTP API the way Grafana's proxy does (GET /query), times in epoch ms. */
export interface Series {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

export async function runQuery(url: string, database: string, query: string): Promise<Series[]> {
  const params = new URLSearchParams({ db: database, q: query, epoch: "ms" });
  const response = await fetch(`${url}/query?${params}`);
  const body = (await response.json()) as {
    error?: string;
    results?: Array<{ error?: string; series?: Series[] }>;
  };
  const error = body.error ?? body.results?.[0]?.error;
  if (!response.ok || error) throw new Error(`InfluxDB refused ${query}: ${error ?? response.status}`);
  return body.results?.[0]?.series ?? [];
}

/** Values of a column across every series, by the series' tags joined with `/`. */
export function column(series: Series[], name: string, ...tags: string[]): Map<string, unknown[]> {
  const result = new Map<string, unknown[]>();
  for (const s of series) {
    const index = s.columns.indexOf(name);
    if (index < 0) throw new Error(`no column ${name} in ${s.columns.join(", ")}`);
    const key = tags.map((t) => s.tags?.[t] ?? "").join("/");
    result.set(key, [...(result.get(key) ?? []), ...s.values.map((row) => row[index])]);
  }
  return result;
}
