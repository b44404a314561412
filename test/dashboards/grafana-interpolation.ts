/**
 * Template-variable substitution as Grafana's InfluxDB data source does it for raw InfluxQL queries, for running
 * the generated dashboards' queries in tests:
 * - `$timeFilter` → `time >= <from>ms and time <= <to>ms` (a panel's `timeFrom` moves `from` back from `to`);
 * - `$__interval` / `$__interval_ms` → the group-by interval Grafana picks for the range, at least the panel's
 *   `interval`;
 * - a multi-value or include-all variable → its values regex-escaped, one value as itself, several as `(a|b)`,
 *   "All" as the variable's `allValue`; a single-value variable → its value, regex-escaped;
 * - `$var`, `${var}` and `[[var]]` forms.
 */

export interface VariableModelLike {
  name: string;
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string;
}

/** The selection of one variable: "All", or the values picked. */
export type Selection = "All" | string[];

export interface Context {
  fromMs: number;
  toMs: number;
  variables: VariableModelLike[];
  selection: Record<string, Selection>;
  /** How many points Grafana asks for across the panel's width. */
  maxDataPoints?: number;
}

export const regexEscape = (value: string): string => value.replace(/[\\^$*+?.()|[\]{}/]/g, "\\$&");

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

export function durationMs(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d|w)$/.exec(text);
  if (!match) throw new Error(`not a Grafana duration: ${text}`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

function variableValue(variable: VariableModelLike, selection: Selection | undefined): string {
  if (selection === undefined) throw new Error(`no selection for variable $${variable.name}`);
  if (selection === "All") {
    if (!variable.includeAll) throw new Error(`$${variable.name} has no All option`);
    if (variable.allValue === undefined) throw new Error(`$${variable.name}: test expects an allValue`);
    return variable.allValue;
  }
  if (selection.length === 0) throw new Error(`$${variable.name}: empty selection`);
  if (!variable.multi && selection.length > 1) throw new Error(`$${variable.name} takes one value`);
  const escaped = selection.map(regexEscape);
  return escaped.length === 1 ? escaped[0]! : `(${escaped.join("|")})`;
}

export function interpolate(
  query: string,
  ctx: Context,
  panel: { timeFrom?: string; interval?: string } = {},
): string {
  const toMs = ctx.toMs;
  const fromMs = panel.timeFrom ? toMs - durationMs(panel.timeFrom) : ctx.fromMs;
  const minMs = panel.interval ? durationMs(panel.interval) : 1000;
  const intervalMs = Math.max(minMs, Math.round((toMs - fromMs) / (ctx.maxDataPoints ?? 500) / 1000) * 1000);
  const variables = new Map(ctx.variables.map((v) => [v.name, v]));
  const lookup = (name: string, original: string) => {
    const variable = variables.get(name);
    return variable ? variableValue(variable, ctx.selection[name]) : original;
  };
  return query
    .replaceAll("$timeFilter", `time >= ${fromMs}ms and time <= ${toMs}ms`)
    .replaceAll("$__interval_ms", String(intervalMs))
    .replaceAll("$__interval", `${intervalMs / 1000}s`)
    .replace(/\$\{(\w+)\}|\[\[(\w+)\]\]|\$(\w+)/g, (original, a, b, c) => lookup(a ?? b ?? c, original));
}
