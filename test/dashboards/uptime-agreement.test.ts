import { readFileSync } from "node:fs";
import { join } from "node:path";
import { InfluxDB } from "influx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GENERATED_DIR } from "../../dashboards/build.js";
import { type Availability, availability, type StateSpan } from "../../src/core/uptime/availability.js";
import type { Interval } from "../../src/core/uptime/intervals.js";
import { RETENTION } from "../../src/influx/schema.js";
import { uptimePoint } from "../../src/influx/to-points.js";
import { requireInCi } from "../helpers/external-servers.js";
import { INFLUXD, type Influxd, startInfluxd } from "../helpers/influxd.js";
import { interpolate, type VariableModelLike } from "./grafana-interpolation.js";
import { runQuery } from "./influx-http.js";

/**
 * The uptime dashboard shows the console's figures: a device history with outages, unknown time and maintenance
 * that start and end inside hours is cut into hourly figures by the core's availability() (as the sink's roll-up
 * does), written as the sink writes them (uptimePoint), and the dashboard's per-device query over the range must
 * give exactly what availability() gives for the whole range (what GET /api/uptime and the console show).
 */

const HOUR_MS = 3_600_000;
const MIN_MS = 60_000;
const DATABASE = "hallwatch";

describe.skipIf(!requireInCi(INFLUXD, "influxd"))("uptime dashboard agrees with the console", () => {
  let server: Influxd;
  const fromMs = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 10 * HOUR_MS;
  const toMs = fromMs + 10 * HOUR_MS;
  const at = (hours: number, minutes = 0) => fromMs + hours * HOUR_MS + minutes * MIN_MS;
  // Open 01:20–08:50 (relative to the range), maintenance 03:10–03:55, online from 00:30 with an outage
  // 02:17–04:41 (partly in maintenance), unknown 06:05–06:35, offline again from 08:40.
  const watched: Interval[] = [[at(1, 20), at(8, 50)]];
  const maintenance: Interval[] = [[at(3, 10), at(3, 55)]];
  const history: StateSpan[] = [
    { connectivity: "online", startMs: at(0, 30), endMs: at(2, 17) },
    { connectivity: "offline", startMs: at(2, 17), endMs: at(4, 41) },
    { connectivity: "online", startMs: at(4, 41), endMs: at(6, 5) },
    { connectivity: "unknown", startMs: at(6, 5), endMs: at(6, 35) },
    { connectivity: "online", startMs: at(6, 35), endMs: at(8, 40) },
    { connectivity: "offline", startMs: at(8, 40), endMs: null },
  ];
  const figures = (startMs: number, endMs: number): Availability =>
    availability(history, watched, maintenance, startMs, endMs, toMs);

  beforeAll(async () => {
    server = await startInfluxd();
    const influx = new InfluxDB({ host: "127.0.0.1", port: server.port, database: DATABASE });
    await influx.createDatabase(DATABASE);
    await influx.createRetentionPolicy(RETENTION.raw, { duration: "30d", replication: 1, isDefault: true });
    await influx.createRetentionPolicy(RETENTION.long, { duration: "400d", replication: 1 });
    const points = [];
    for (let h = fromMs; h < toMs; h += HOUR_MS) {
      const p = uptimePoint({
        hallId: "east-3",
        deviceId: "kiosk-9",
        kind: "kiosk",
        hourStartMs: h,
        figures: figures(h, h + HOUR_MS),
      });
      points.push({
        measurement: p.measurement,
        tags: p.tags,
        fields: p.fields,
        timestamp: new Date(p.timeMs),
      });
    }
    // A device in another hall whose whole expected time was unknown (the aggregator had lost the broker).
    const unknown: Availability = {
      expectedMs: HOUR_MS,
      upMs: 0,
      downMs: 0,
      unknownMs: HOUR_MS,
      maintenanceMs: 0,
      ratio: null,
    };
    const p = uptimePoint({
      hallId: "west-4",
      deviceId: "ext-7",
      kind: "extinguisher",
      hourStartMs: fromMs,
      figures: unknown,
    });
    points.push({
      measurement: p.measurement,
      tags: p.tags,
      fields: p.fields,
      timestamp: new Date(p.timeMs),
    });
    await influx.writePoints(points, { retentionPolicy: RETENTION.long });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("gives the whole range's availability and times, to the second", async () => {
    const dashboard = JSON.parse(readFileSync(join(GENERATED_DIR, "uptime.json"), "utf8"));
    const panel = dashboard.panels.find((p: { title: string }) => p.title === "Availability by device");
    const variables = dashboard.templating.list.filter((v: { type: string }) => v.type === "query");
    const query = interpolate(
      panel.targets[0].query,
      {
        fromMs,
        toMs,
        variables: variables as VariableModelLike[],
        selection: { hall: ["east-3"], kind: "All", device: "All" },
      },
      panel,
    );
    const [series] = await runQuery(server.url, DATABASE, query);
    const row = Object.fromEntries(series!.columns.map((c, i) => [c, series!.values[0]![i]]));
    const shown = figures(fromMs, toMs);
    expect(shown.downMs).toBeGreaterThan(0);
    expect(shown.unknownMs).toBe(30 * MIN_MS);
    expect(shown.maintenanceMs).toBe(45 * MIN_MS);
    expect(row).toMatchObject({
      expected: shown.expectedMs / 1000,
      up: shown.upMs / 1000,
      down: shown.downMs / 1000,
      unknown: shown.unknownMs / 1000,
      maintenance: shown.maintenanceMs / 1000,
    });
    expect(row.availability).toBeCloseTo(shown.ratio! * 100, 9);
  });

  it("shows no availability, rather than 0 %, for a hall with no up or down time", async () => {
    const dashboard = JSON.parse(readFileSync(join(GENERATED_DIR, "uptime.json"), "utf8"));
    const variables = dashboard.templating.list.filter((v: { type: string }) => v.type === "query");
    for (const title of ["Availability by hall", "Availability over time by hall"]) {
      const panel = dashboard.panels.find((p: { title: string }) => p.title === title);
      const query = interpolate(
        panel.targets[0].query,
        { fromMs, toMs, variables, selection: { hall: "All", kind: "All", device: "All" } },
        panel,
      );
      const series = await runQuery(server.url, DATABASE, query);
      expect(
        series.map((s) => s.tags?.hall),
        title,
      ).toEqual(["east-3"]);
    }
  });
});
