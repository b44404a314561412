import { describe, expect, it } from "vitest";
import {
  add,
  and,
  as,
  compare,
  compareExpr,
  count,
  div,
  eq,
  escapeRegex,
  field,
  fieldsMatching,
  last,
  matches,
  matchesVariable,
  mean,
  mul,
  num,
  oneOf,
  or,
  quoteIdent,
  quoteString,
  regexLiteral,
  select,
  showTagValues,
  sum,
  timeFilter,
  top,
} from "../../dashboards/influxql.js";

describe("InfluxQL builder", () => {
  it("quotes identifiers and string literals, escaping what would end them", () => {
    expect(quoteIdent("up_sec")).toBe('"up_sec"');
    expect(quoteIdent('we"ird\\name')).toBe('"we\\"ird\\\\name"');
    expect(quoteString("north-1")).toBe("'north-1'");
    expect(quoteString("it's a \\ test")).toBe("'it\\'s a \\\\ test'");
    expect(() => quoteIdent("")).toThrow(/empty/);
  });

  it("escapes slashes in regex literals once, and regex-escapes values", () => {
    expect(regexLiteral("^a/b$")).toBe("/^a\\/b$/");
    expect(regexLiteral("a//b")).toBe("/a\\/\\/b/");
    expect(regexLiteral("a\\/b")).toBe("/a\\/b/");
    expect(escapeRegex("hall.1(a)")).toBe("hall\\.1\\(a\\)");
    expect(oneOf("hall", ["a.b", "c"]).text).toBe('"hall" =~ /^(a\\.b|c)$/');
    expect(matches("device", "^kiosk-").text).toBe('"device" =~ /^kiosk-/');
  });

  it("renders a grouped, filled time series query with a retention policy", () => {
    const q = select(mean(field("waitingTotal")))
      .from("telemetry", "raw")
      .where(timeFilter(), eq("kind", "queue"), matchesVariable("hall", "hall"))
      .groupByTime("$__interval")
      .groupBy("hall", "device")
      .fill("none");
    expect(String(q)).toBe(
      'SELECT mean("waitingTotal") FROM "raw"."telemetry" WHERE $timeFilter AND "kind" = \'queue\' AND ' +
        '"hall" =~ /^$hall$/ GROUP BY time($__interval), "hall", "device" fill(none)',
    );
  });

  it("parenthesises arithmetic between aggregates and aliases it", () => {
    const availability = as(
      mul(div(sum(field("up_sec")), add(sum(field("up_sec")), sum(field("down_sec")))), num(100)),
      "availability",
    );
    expect(String(select(availability).from("uptime_hourly", "long"))).toBe(
      'SELECT (sum("up_sec") / (sum("up_sec") + sum("down_sec"))) * 100 AS "availability" FROM "long"."uptime_hourly"',
    );
  });

  it("nests subqueries and renders top() with a tag, ORDER BY, LIMIT and SLIMIT", () => {
    const inner = select(as(count(field("alert_id")), "alerts"))
      .from("alert_event", "long")
      .where(timeFilter())
      .groupBy("hall", "device");
    const q = select(top(field("alerts"), 10, "device"))
      .fromSubquery(inner)
      .groupBy("hall")
      .orderByTimeDesc()
      .limit(5)
      .slimit(2);
    expect(String(q)).toBe(
      'SELECT top("alerts", "device", 10) FROM (SELECT count("alert_id") AS "alerts" FROM "long"."alert_event" ' +
        'WHERE $timeFilter GROUP BY "hall", "device") GROUP BY "hall" ORDER BY time DESC LIMIT 5 SLIMIT 2',
    );
  });

  it("groups OR inside AND and compares numbers and booleans", () => {
    const q = select(last(field("open")))
      .from("alert_event")
      .where(
        or(eq("change", "raised"), eq("change", "reopened")),
        compare("open", "=", 1),
        compare("late", "=", true),
      );
    expect(String(q)).toBe(
      'SELECT last("open") FROM "alert_event" WHERE ("change" = \'raised\' OR "change" = \'reopened\') AND ' +
        '"open" = 1 AND "late" = true',
    );
    expect(and(eq("a", "b")).text).toBe("\"a\" = 'b'");
    expect(compareExpr(add(field("up"), field("down")), ">", 0).text).toBe('"up" + "down" > 0');
    expect(String(select(mean(fieldsMatching("^waitingByService_"))).from("telemetry"))).toBe(
      'SELECT mean(/^waitingByService_/) FROM "telemetry"',
    );
  });

  it("leaves a query unchanged when a refinement derives a new one", () => {
    const base = select(count(field("x"))).from("m");
    const refined = base.where(eq("a", "b")).groupBy("a");
    expect(String(base)).toBe('SELECT count("x") FROM "m"');
    expect(String(refined)).toBe('SELECT count("x") FROM "m" WHERE "a" = \'b\' GROUP BY "a"');
  });

  it("refuses what would render invalid InfluxQL", () => {
    expect(() => select()).toThrow(/at least one column/);
    expect(() => String(select(field("x")))).toThrow(/needs FROM/);
    expect(() => select(field("x")).from("m").groupByTime("5 minutes")).toThrow(/duration/);
    expect(() => select(field("x")).from("m").limit(0)).toThrow(/positive/);
    expect(() => select(field("x")).from("m").fill(Number.NaN)).toThrow(/finite/);
    expect(() => top(field("x"), 1.5)).toThrow(/positive integer/);
    expect(() => matchesVariable("hall", "ha ll")).toThrow(/variable name/);
    expect(() => num(Number.POSITIVE_INFINITY)).toThrow(/finite/);
    expect(() => and()).toThrow();
    expect(() => oneOf("hall", [])).toThrow();
  });

  it("writes SHOW TAG VALUES for chained template variables", () => {
    expect(
      showTagValues("telemetry", "device", matchesVariable("hall", "hall"), matchesVariable("kind", "kind")),
    ).toBe(
      'SHOW TAG VALUES FROM "telemetry" WITH KEY = "device" WHERE "hall" =~ /^$hall$/ AND "kind" =~ /^$kind$/',
    );
    expect(showTagValues("telemetry", "hall")).toBe('SHOW TAG VALUES FROM "telemetry" WITH KEY = "hall"');
  });
});
