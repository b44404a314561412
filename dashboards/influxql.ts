/**
 * A small typed InfluxQL (InfluxDB 1.x) builder for the dashboards: the foundation SDK ships no InfluxDB query
 * type, and hand-written query strings drift from the schema and get their quoting wrong. Only what the
 * dashboards need is here: selections with aggregate functions and arithmetic, `"rp"."measurement"` or a
 * subquery, conditions on tags and fields (including Grafana template variables), GROUP BY time and tags, fill,
 * ORDER BY time, LIMIT / SLIMIT. Everything renders to one string that Grafana sends as a raw query.
 */

/** A rendered piece of InfluxQL: an expression in a SELECT list or a condition in a WHERE clause. */
export interface Expr {
  readonly text: string;
  /** Binary operators between aggregates need parentheses around sums; kept here to render only those. */
  readonly compound: boolean;
}

const expr = (text: string, compound = false): Expr => ({ text, compound });
const wrap = (e: Expr): string => (e.compound ? `(${e.text})` : e.text);

/** Identifiers are always double-quoted; `\` and `"` inside them are backslash-escaped. */
export function quoteIdent(name: string): string {
  if (name.length === 0) throw new Error("an InfluxQL identifier cannot be empty");
  return `"${name.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** String literals are single-quoted; `\` and `'` inside them are backslash-escaped. */
export function quoteString(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** A regular-expression literal: `/` is the only character InfluxQL needs escaped inside it. */
export function regexLiteral(pattern: string): string {
  let body = "";
  let escaped = false;
  for (const char of pattern) {
    if (char === "/" && !escaped) body += "\\/";
    else body += char;
    escaped = char === "\\" && !escaped;
  }
  return `/${body}/`;
}

/** Escapes a value so that it matches itself inside a regular expression (as Grafana does for tag values). */
export function escapeRegex(value: string): string {
  return value.replace(/[\\^$*+?.()|[\]{}/]/g, "\\$&");
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DURATION = /^(\d+(ns|u|µ|ms|s|m|h|d|w)|\$__interval|\$[A-Za-z_][A-Za-z0-9_]*)$/;

function checkVariable(name: string): string {
  if (!VARIABLE_NAME.test(name)) throw new Error(`not a Grafana variable name: ${JSON.stringify(name)}`);
  return name;
}

function checkDuration(duration: string): string {
  if (!DURATION.test(duration)) {
    throw new Error(`not an InfluxQL duration or Grafana interval variable: ${JSON.stringify(duration)}`);
  }
  return duration;
}

function checkNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return String(value);
}

// ── selections ─────────────────────────────────────────────────────────────────────────────────────────────

/** A field (or, in a subquery's outer select, a column) by name. */
export const field = (name: string): Expr => expr(quoteIdent(name));
/** Every field whose name matches, e.g. `/^waitingByService_/`. */
export const fieldsMatching = (pattern: string): Expr => expr(regexLiteral(pattern));
export const num = (value: number): Expr => expr(checkNumber(value));
export const all = (): Expr => expr("*");

const call =
  (name: string) =>
  (arg: Expr): Expr =>
    expr(`${name}(${arg.text})`);

export const mean = call("mean");
export const median = call("median");
export const last = call("last");
export const first = call("first");
export const sum = call("sum");
export const count = call("count");
export const max = call("max");
export const min = call("min");
export const distinct = call("distinct");
export const spread = call("spread");

/** `top(field, N)` or `top(field, "tag", N)`: the N largest values, one per tag value when a tag is given. */
export function top(arg: Expr, n: number, byTag?: string): Expr {
  if (!Number.isInteger(n) || n < 1) throw new Error(`top() needs a positive integer count, got ${n}`);
  return expr(`top(${arg.text}, ${byTag === undefined ? "" : `${quoteIdent(byTag)}, `}${n})`);
}

const binary =
  (operator: string) =>
  (left: Expr, right: Expr): Expr =>
    expr(`${wrap(left)} ${operator} ${wrap(right)}`, true);

export const add = binary("+");
export const sub = binary("-");
export const mul = binary("*");
export const div = binary("/");

/** `expr AS "alias"`: the column name Grafana shows and a subquery's outer query refers to. */
export const as = (e: Expr, alias: string): Expr => expr(`${e.text} AS ${quoteIdent(alias)}`);

// ── conditions ─────────────────────────────────────────────────────────────────────────────────────────────

export type Comparison = "=" | "!=" | "<" | "<=" | ">" | ">=";

/** `"tag" = 'value'` for a tag, or a string field. */
export const eq = (name: string, value: string): Expr => expr(`${quoteIdent(name)} = ${quoteString(value)}`);
export const neq = (name: string, value: string): Expr =>
  expr(`${quoteIdent(name)} != ${quoteString(value)}`);

/** A numeric or boolean comparison on a field: `"open" = 1`, `"passed" = false`. */
export function compare(name: string, op: Comparison, value: number | boolean): Expr {
  const rendered = typeof value === "boolean" ? String(value) : checkNumber(value);
  return expr(`${quoteIdent(name)} ${op} ${rendered}`);
}

/** A comparison of an expression with a number, e.g. `"up" + "down" > 0` in a subquery's outer WHERE. */
export function compareExpr(left: Expr, op: Comparison, value: number): Expr {
  return expr(`${left.text} ${op} ${checkNumber(value)}`);
}

/** `"tag" =~ /pattern/` */
export const matches = (name: string, pattern: string): Expr =>
  expr(`${quoteIdent(name)} =~ ${regexLiteral(pattern)}`);

/** `"tag" =~ /^(a|b)$/`: one of these exact values. */
export function oneOf(name: string, values: readonly string[]): Expr {
  if (values.length === 0) throw new Error(`oneOf(${name}) needs at least one value`);
  return matches(name, `^(${values.map(escapeRegex).join("|")})$`);
}

/**
 * `"tag" =~ /^$var$/`: the tag matches a Grafana template variable. Grafana's InfluxDB data source interpolates a
 * multi-value or include-all variable as a regex-escaped `(a|b)` alternation (or the variable's all-value), so
 * the anchors make a single value match exactly and a selection match any of its values.
 */
export const matchesVariable = (name: string, variable: string): Expr =>
  expr(`${quoteIdent(name)} =~ /^$${checkVariable(variable)}$/`);

/** Grafana's `$timeFilter`: `time >= <from>ms and time <= <to>ms` of the dashboard's (or panel's) range. */
export const timeFilter = (): Expr => expr("$timeFilter");

export function and(...conditions: Expr[]): Expr {
  if (conditions.length === 0) throw new Error("and() needs at least one condition");
  if (conditions.length === 1) return conditions[0]!;
  return expr(conditions.map(wrap).join(" AND "), true);
}

export function or(...conditions: Expr[]): Expr {
  if (conditions.length === 0) throw new Error("or() needs at least one condition");
  if (conditions.length === 1) return conditions[0]!;
  return expr(conditions.map(wrap).join(" OR "), true);
}

// ── the statement ──────────────────────────────────────────────────────────────────────────────────────────

export type Fill = "null" | "none" | "previous" | "linear" | number;

interface Source {
  retentionPolicy?: string;
  measurement?: string;
  subquery?: SelectQuery;
}

interface Statement {
  columns: readonly Expr[];
  source: Source | null;
  conditions: readonly Expr[];
  timeBucket: string | null;
  tags: readonly string[];
  fillWith: Fill | null;
  newestFirst: boolean;
  rowLimit: number | null;
  seriesLimit: number | null;
}

/** One SELECT statement; every method returns a new query, so a base query can be shared and refined. */
export class SelectQuery {
  private constructor(private readonly s: Statement) {}

  static select(...columns: Expr[]): SelectQuery {
    if (columns.length === 0) throw new Error("select() needs at least one column");
    return new SelectQuery({
      columns,
      source: null,
      conditions: [],
      timeBucket: null,
      tags: [],
      fillWith: null,
      newestFirst: false,
      rowLimit: null,
      seriesLimit: null,
    });
  }

  private with(changes: Partial<Statement>): SelectQuery {
    return new SelectQuery({ ...this.s, ...changes });
  }

  /** `FROM "rp"."measurement"` (or just `"measurement"` for the database's default policy). */
  from(measurement: string, retentionPolicy?: string): SelectQuery {
    return this.with({ source: { measurement, retentionPolicy } });
  }

  /** `FROM (SELECT …)` */
  fromSubquery(subquery: SelectQuery): SelectQuery {
    return this.with({ source: { subquery } });
  }

  /** Conditions are ANDed with those given before. */
  where(...conditions: Expr[]): SelectQuery {
    return this.with({ conditions: [...this.s.conditions, ...conditions] });
  }

  /** `GROUP BY time(<duration>)`, e.g. `$__interval` or `1h`. */
  groupByTime(duration: string): SelectQuery {
    return this.with({ timeBucket: checkDuration(duration) });
  }

  groupBy(...tags: string[]): SelectQuery {
    return this.with({ tags: [...this.s.tags, ...tags] });
  }

  fill(value: Fill): SelectQuery {
    if (typeof value === "number") checkNumber(value);
    return this.with({ fillWith: value });
  }

  orderByTimeDesc(): SelectQuery {
    return this.with({ newestFirst: true });
  }

  limit(rows: number): SelectQuery {
    if (!Number.isInteger(rows) || rows < 1) throw new Error(`LIMIT must be a positive integer, got ${rows}`);
    return this.with({ rowLimit: rows });
  }

  slimit(series: number): SelectQuery {
    if (!Number.isInteger(series) || series < 1)
      throw new Error(`SLIMIT must be a positive integer, got ${series}`);
    return this.with({ seriesLimit: series });
  }

  toString(): string {
    const { source, columns, conditions, timeBucket, tags, fillWith, newestFirst, rowLimit, seriesLimit } =
      this.s;
    if (!source) throw new Error("a SELECT needs FROM (from() or fromSubquery())");
    const parts = [`SELECT ${columns.map((c) => c.text).join(", ")}`];
    if (source.subquery) parts.push(`FROM (${source.subquery.toString()})`);
    else if (source.measurement !== undefined) {
      const rp = source.retentionPolicy === undefined ? "" : `${quoteIdent(source.retentionPolicy)}.`;
      parts.push(`FROM ${rp}${quoteIdent(source.measurement)}`);
    }
    if (conditions.length > 0) parts.push(`WHERE ${and(...conditions).text}`);
    const groups = [...(timeBucket === null ? [] : [`time(${timeBucket})`]), ...tags.map(quoteIdent)];
    if (groups.length > 0) parts.push(`GROUP BY ${groups.join(", ")}`);
    if (fillWith !== null) parts.push(`fill(${fillWith})`);
    if (newestFirst) parts.push("ORDER BY time DESC");
    if (rowLimit !== null) parts.push(`LIMIT ${rowLimit}`);
    if (seriesLimit !== null) parts.push(`SLIMIT ${seriesLimit}`);
    return parts.join(" ");
  }
}

export const select = SelectQuery.select;

/** `SHOW TAG VALUES FROM "measurement" WITH KEY = "tag" [WHERE …]`, for Grafana query variables. */
export function showTagValues(measurement: string, key: string, ...conditions: Expr[]): string {
  const where = conditions.length > 0 ? ` WHERE ${and(...conditions).text}` : "";
  return `SHOW TAG VALUES FROM ${quoteIdent(measurement)} WITH KEY = ${quoteIdent(key)}${where}`;
}
