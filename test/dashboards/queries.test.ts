import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { InfluxDB } from "influx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GENERATED_DIR } from "../../dashboards/build.js";
import { RETENTION } from "../../src/influx/schema.js";
import { requireInCi } from "../helpers/external-servers.js";
import { INFLUXD, type Influxd, startInfluxd } from "../helpers/influxd.js";
import {
  type Context,
  interpolate,
  type Selection,
  type VariableModelLike,
} from "./grafana-interpolation.js";
import { column, runQuery, type Series } from "./influx-http.js";
import { buildSample, DEVICES, HALLS, type Sample } from "./sample-data.js";

/**
 * Every query of every generated dashboard (the JSON Grafana loads) runs against a real InfluxDB holding simulated
 * data and returns series; key panels return exactly the figures computed from that data.
 */

interface Target {
  refId: string;
  query: string;
  rawQuery: boolean;
  resultFormat: string;
}
interface Panel {
  title: string;
  type: string;
  targets?: Target[];
  timeFrom?: string;
  interval?: string;
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Array<VariableModelLike & { type: string; query: unknown }> };
}

const DATABASE = "hallwatch";
const dashboards: Array<{ file: string; dashboard: Dashboard }> = readdirSync(GENERATED_DIR)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((file) => ({
    file,
    dashboard: JSON.parse(readFileSync(join(GENERATED_DIR, file), "utf8")) as Dashboard,
  }));

const panelsWithQueries = dashboards.flatMap(({ file, dashboard }) =>
  dashboard.panels
    .filter((p) => (p.targets ?? []).length > 0)
    .map((panel) => ({ file, dashboard, panel, name: `${file} › ${panel.title}` })),
);

const kindOfQuery = (query: string) => /"kind" = '(\w+)'/.exec(query)?.[1];

/** A device for a single-device variable: one of the panel's kind when the query names one. */
function deviceFor(query: string): string {
  const kind = kindOfQuery(query);
  return kind ? DEVICES.find((d) => d.kind === kind)!.device : "kiosk-2";
}

function context(sample: Sample, dashboard: Dashboard, query: string, mode: "all" | "each" | "one"): Context {
  const variables = dashboard.templating.list.filter((v) => v.type === "query");
  const selection: Record<string, Selection> = {};
  for (const v of variables) {
    const single = !v.multi && !v.includeAll;
    if (v.name === "device" && single) selection.device = [deviceFor(query)];
    else if (mode === "all") selection[v.name] = "All";
    else if (v.name === "hall") selection.hall = mode === "each" ? [...HALLS] : ["south-2"];
    else if (v.name === "kind") {
      const kind = kindOfQuery(query);
      selection.kind = mode === "each" ? [...new Set(DEVICES.map((d) => d.kind))] : [kind ?? "queue"];
    } else if (v.name === "device")
      selection.device = mode === "each" ? DEVICES.map((d) => d.device) : ["queue-1"];
  }
  return { fromMs: sample.fromMs, toMs: sample.toMs, variables, selection };
}

const hasValue = (series: Series[]) =>
  series.some((s) => s.values.some((row) => row.slice(1).some((v) => v !== null && v !== "")));

describe.skipIf(!requireInCi(INFLUXD, "influxd"))("dashboard queries against InfluxDB", () => {
  let server: Influxd;
  let sample: Sample;
  const run = (query: string) => runQuery(server.url, DATABASE, query);
  const panelQuery = (uid: string, title: string, refId = "A") => {
    const found = panelsWithQueries.find((p) => p.dashboard.uid === uid && p.panel.title === title);
    if (!found) throw new Error(`no panel ${title} in ${uid}`);
    const target = found.panel.targets!.find((t) => t.refId === refId)!;
    return run(interpolate(target.query, context(sample, found.dashboard, target.query, "all"), found.panel));
  };

  beforeAll(async () => {
    server = await startInfluxd();
    const influx = new InfluxDB({ host: "127.0.0.1", port: server.port, database: DATABASE });
    await influx.createDatabase(DATABASE);
    await influx.createRetentionPolicy(RETENTION.raw, { duration: "30d", replication: 1, isDefault: true });
    await influx.createRetentionPolicy(RETENTION.long, { duration: "400d", replication: 1 });
    sample = buildSample(Date.now());
    for (const rp of [RETENTION.raw, RETENTION.long]) {
      const points = sample.points.filter((p) => p.retentionPolicy === rp).map((p) => p.point);
      await influx.writePoints(points, { retentionPolicy: rp });
    }
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("finds panels with queries in every dashboard", () => {
    expect(dashboards.map((d) => d.file)).toHaveLength(6);
    for (const { file } of dashboards)
      expect(
        panelsWithQueries.some((p) => p.file === file),
        file,
      ).toBe(true);
    const targets = panelsWithQueries.flatMap((p) => p.panel.targets ?? []);
    expect(targets.every((t) => t.rawQuery && t.query.length > 0)).toBe(true);
  });

  it.each(panelsWithQueries.map((p) => [p.name, p] as const))(
    "%s returns series",
    async (_name, { dashboard, panel }) => {
      for (const target of panel.targets ?? []) {
        for (const mode of ["all", "each"] as const) {
          const query = interpolate(target.query, context(sample, dashboard, target.query, mode), panel);
          expect(query, "every variable substituted").not.toMatch(/\$\w|\[\[/);
          const series = await run(query);
          expect(hasValue(series), `${target.refId} (${mode}): ${query}`).toBe(true);
        }
        // One hall and one kind: may legitimately be empty, but must be valid InfluxQL.
        await run(interpolate(target.query, context(sample, dashboard, target.query, "one"), panel));
      }
    },
  );

  it("lists halls, kinds and devices in the template variables, chained", async () => {
    const dashboard = dashboards.find((d) => d.dashboard.uid === "hallwatch-uptime")!.dashboard;
    const variables = dashboard.templating.list.filter((v) => v.type === "query");
    const values = async (name: string, selection: Record<string, Selection>) => {
      const query = String(variables.find((v) => v.name === name)!.query);
      const ctx: Context = { fromMs: sample.fromMs, toMs: sample.toMs, variables, selection };
      return column(await run(interpolate(query, ctx)), "value").get("") ?? [];
    };
    expect(await values("hall", {})).toEqual([...HALLS]);
    const kinds = [...new Set(DEVICES.map((d) => d.kind))].sort();
    expect(await values("kind", { hall: ["north-1"] })).toEqual(kinds);
    expect(await values("kind", { hall: "All" })).toEqual(kinds);
    expect(await values("device", { hall: ["north-1"], kind: ["extinguisher"] })).toEqual(["ext-1", "ext-2"]);
    expect(await values("device", { hall: "All", kind: ["extinguisher", "hydrant"] })).toEqual([
      "ext-1",
      "ext-2",
      "hydrant-1",
    ]);
    // Every dashboard's variable queries run.
    for (const { dashboard: d } of dashboards) {
      for (const v of d.templating.list.filter((x) => x.type === "query")) {
        const ctx: Context = {
          fromMs: sample.fromMs,
          toMs: sample.toMs,
          variables: d.templating.list.filter((x) => x.type === "query"),
          selection: { hall: "All", kind: "All", device: ["kiosk-1"] },
        };
        expect((await run(interpolate(String(v.query), ctx))).length, `${d.uid} $${v.name}`).toBeGreaterThan(
          0,
        );
      }
    }
  });

  it("shows the console's availability per hall and per kind: up ÷ (up + down)", async () => {
    const ratio = (rows: Sample["uptime"]) => {
      const up = rows.reduce((s, r) => s + r.up, 0);
      const down = rows.reduce((s, r) => s + r.down, 0);
      return (up / (up + down)) * 100;
    };
    const byHall = column(
      await panelQuery("hallwatch-uptime", "Availability by hall"),
      "availability",
      "hall",
    );
    for (const hall of HALLS) {
      const expected = ratio(sample.uptime.filter((r) => r.hall === hall));
      expect(byHall.get(hall)?.[0]).toBeCloseTo(expected, 9);
    }
    // north-1: kiosk-2 down for one hour of 5 h × 4 opening-hours kinds + 6 h × 3 around-the-clock kinds.
    expect(byHall.get("north-1")?.[0]).toBeCloseTo((1 - 3600 / (3600 * (5 * 5 + 6 * 4) - 2 * 1800)) * 100, 9);
    const byKind = column(
      await panelQuery("hallwatch-uptime", "Availability by kind"),
      "availability",
      "kind",
    );
    for (const kind of new Set(DEVICES.map((d) => d.kind))) {
      expect(byKind.get(kind)?.[0], kind).toBeCloseTo(ratio(sample.uptime.filter((r) => r.kind === kind)), 9);
    }
    const byDevice = await panelQuery("hallwatch-uptime", "Availability by device");
    const kiosk2 = byDevice.find((s) => s.tags?.hall === "north-1" && s.tags?.device === "kiosk-2")!;
    const row = Object.fromEntries(kiosk2.columns.map((c, i) => [c, kiosk2.values[0]![i]]));
    // Hours 1-5 open, half of hour 1 in maintenance, hour 2 offline.
    expect(row).toMatchObject({
      expected: 4.5 * 3600,
      up: 3.5 * 3600,
      down: 3600,
      unknown: 0,
      maintenance: 1800,
    });
    expect(row.availability).toBeCloseTo((3.5 / 4.5) * 100, 9);
  });

  it("counts devices by last connectivity and open alerts by severity", async () => {
    const online = await panelQuery("hallwatch-hall-overview", "Devices by connectivity", "A");
    const offline = await panelQuery("hallwatch-hall-overview", "Devices by connectivity", "B");
    const unknown = await panelQuery("hallwatch-hall-overview", "Devices by connectivity", "C");
    const total = HALLS.length * DEVICES.length;
    expect([online, offline, unknown].map((s) => s[0]!.values[0]![1])).toEqual([total - 2, 1, 1]);
    const open = column(
      await panelQuery("hallwatch-hall-overview", "Open alerts by severity"),
      "open alerts",
      "severity",
    );
    expect(Object.fromEntries([...open].map(([k, v]) => [k, v[0]]))).toEqual({
      critical: 2,
      major: 1,
      operational: 1,
    });
    const faults = await panelQuery("hallwatch-hall-overview", "Open faults");
    expect(faults.map((s) => `${s.tags?.hall}/${s.tags?.device}/${s.tags?.fault}`).sort()).toEqual([
      "north-1//agent_offline",
      "north-1/charger-1/overheat",
      "south-2/queue-1/congestion",
      "south-2/tv-1/offline",
    ]);
  });

  it("counts faults, their repair times and the worst devices from the alert changes", async () => {
    const raised = sample.alerts.filter((a) => a.change === "raised");
    const bySeverity = column(
      await panelQuery("hallwatch-faults", "Alerts raised by severity"),
      "alerts",
      "severity",
    );
    for (const severity of new Set(raised.map((a) => a.severity))) {
      expect(bySeverity.get(severity)?.[0], severity).toBe(
        raised.filter((a) => a.severity === severity).length,
      );
    }
    const mttr = column(await panelQuery("hallwatch-faults", "MTTR by kind"), "mttr", "kind");
    expect(Object.fromEntries([...mttr].map(([k, v]) => [k, v[0]]))).toEqual({
      kiosk: (1800 + 3600) / 2,
      queue: 1200,
      extinguisher: 3 * 3600,
    });
    const worst = await panelQuery("hallwatch-faults", "Worst devices (top 10 per hall by alerts raised)");
    const first = (hall: string) => worst.find((s) => s.tags?.hall === hall)!.values[0]!.slice(1);
    expect(first("north-1")).toEqual([2, "kiosk-2"]);
    expect(first("south-2")).toEqual([2, "queue-1"]);
  });

  it("reports inspection compliance, missed inspections and failed checklists", async () => {
    const compliance = column(
      await panelQuery("hallwatch-fire-inspections", "Compliance by hall"),
      "compliance",
      "hall",
    );
    expect(compliance.get("north-1")?.[0]).toBe(100);
    expect(compliance.get("south-2")?.[0]).toBeCloseTo(200 / 3, 9);
    const missed = column(
      await panelQuery("hallwatch-fire-inspections", "Missed (overdue) inspections by hall"),
      "missed",
      "hall",
    );
    expect(Object.fromEntries([...missed].map(([k, v]) => [k, v[0]]))).toEqual({
      "north-1": 0,
      "south-2": 1,
    });
    const failed = await panelQuery("hallwatch-fire-inspections", "Failed inspections");
    expect(failed.map((s) => `${s.tags?.hall}/${s.tags?.asset}`)).toEqual(["south-2/ext-2"]);
  });

  it("plots one device's telemetry only in the row of its kind", async () => {
    const found = panelsWithQueries.find(
      (p) => p.dashboard.uid === "hallwatch-device-detail" && p.panel.title === "Enclosure temperature",
    )!;
    const query = found.panel.targets![0]!.query;
    const ctx = context(sample, found.dashboard, query, "all");
    const charger = await run(
      interpolate(query, { ...ctx, selection: { ...ctx.selection, device: ["charger-1"] } }, found.panel),
    );
    expect(charger.map((s) => s.tags?.hall).sort()).toEqual([...HALLS]);
    const kiosk = await run(
      interpolate(query, { ...ctx, selection: { ...ctx.selection, device: ["kiosk-1"] } }, found.panel),
    );
    expect(kiosk).toEqual([]);
  });
});
