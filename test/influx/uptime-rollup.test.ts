import { rmSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApi } from "../../src/api/app.js";
import { createMetrics } from "../../src/api/metrics.js";
import { MaintenanceCalendar } from "../../src/calendar/maintenance-calendar.js";
import type { BirthDevice } from "../../src/contract/index.js";
import { openingHoursSchema } from "../../src/core/calendar/opening-hours.js";
import { InfluxHistory } from "../../src/influx/influx-history.js";
import { MEASUREMENT, RETENTION } from "../../src/influx/schema.js";
import { floorHour, HOUR_MS } from "../../src/influx/uptime-rollup.js";
import { silentLogger } from "../../src/logging.js";
import { MaintenanceStore } from "../../src/store/maintenance.js";
import { AggregatorHarness } from "../aggregator/harness.js";
import { testAuth } from "../helpers/auth.js";
import { requireInCi } from "../helpers/external-servers.js";
import { INFLUXD, type Influxd, startInfluxd } from "../helpers/influxd.js";
import { type PlainBroker, startPlainBroker } from "../helpers/plain-broker.js";
import { RawAgent } from "../helpers/raw-agent.js";
import { waitFor } from "../helpers/wait.js";
import { DB, influxSettings, tempDataDir, WAIT_MS } from "./helpers.js";

const kiosk: BirthDevice = { id: "k1", kind: "kiosk", model: "K", zone: "z", reportIntervalSec: 60 };
const ext: BirthDevice = { id: "e1", kind: "extinguisher", model: "E", zone: "z", reportIntervalSec: 900 };
const MIN = 60_000;

describe.runIf(requireInCi(INFLUXD, "influxd"))("uptime_hourly against the console's uptime", () => {
  let influxd: Influxd;
  let broker: PlainBroker;
  let harness: AggregatorHarness;
  let maintenance: MaintenanceCalendar;
  let api: FastifyInstance;
  let token = "";
  const dataDir = tempDataDir();
  const histories: InfluxHistory[] = [];
  // Twelve whole hours of history ending two hours ago.
  const h0 = floorHour(Date.now()) - 14 * HOUR_MS;
  const rangeEnd = h0 + 12 * HOUR_MS;
  // The hall's zone puts h0 at local midnight, so the opening hours below fall on the same hours of the data
  // whatever the time of day the test runs (Etc/GMT+N is UTC−N).
  const h0UtcHour = new Date(h0).getUTCHours();
  const zone = h0UtcHour <= 12 ? `Etc/GMT+${h0UtcHour}` : `Etc/GMT-${24 - h0UtcHour}`;

  beforeAll(async () => {
    influxd = await startInfluxd();
    broker = await startPlainBroker();
    harness = new AggregatorHarness(broker.url);
    harness.openDb();
    await harness.provision("h1", ["a1"]);
    await harness.start();
    // Opening hours with half hours, so that hours are partly expected; the extinguisher is watched all day.
    const ranges = [
      { open: "00:00", close: "06:30" },
      { open: "09:15", close: "20:45" },
    ];
    await harness.halls.setOpeningHours(
      "h1",
      openingHoursSchema.parse({
        timeZone: zone,
        weekly: { mon: ranges, tue: ranges, wed: ranges, thu: ranges, fri: ranges, sat: ranges, sun: ranges },
      }),
    );
    maintenance = await MaintenanceCalendar.open(MaintenanceStore.onSqlite(harness.db), harness.halls);
    await maintenance.add(
      "h1",
      {
        scope: { type: "device", deviceId: "k1" },
        recurrence: {
          type: "once",
          startMs: h0 + 5 * HOUR_MS + 10 * MIN,
          endMs: h0 + 6 * HOUR_MS + 50 * MIN,
        },
        reason: "firmware update",
      },
      "tester",
    );
    const auth = await testAuth(harness.db);
    token = auth.adminToken;
    api = await buildApi({
      auth: auth.deps,
      aggregator: harness.aggregator,
      halls: harness.halls,
      maintenance,
      metrics: createMetrics(harness.aggregator, null),
      logger: silentLogger(),
      version: "test",
    });

    const agent = new RawAgent(broker.url, "h1", "a1", 1, [kiosk, ext]);
    await agent.connect();
    await agent.online();
    await agent.birth();
    await waitFor(
      async () => [...harness.aggregator.presence.allDevices()].length === 2,
      "both devices known",
      WAIT_MS,
    );
    await agent.stop();
    // Past history written as the aggregator writes it: contiguous spans, up, down and unknown.
    const insert = harness.db.prepare(
      "INSERT INTO device_connectivity_history (hall_id, device_id, connectivity, reason, start_ms, end_ms) VALUES ('h1', ?, ?, 'data', ?, ?)",
    );
    const spans = (deviceId: string, list: [string, number][]) => {
      for (let i = 0; i < list.length - 1; i++) {
        const [state, start] = list[i]!;
        insert.run(deviceId, state, start, list[i + 1]![1]);
      }
    };
    spans("k1", [
      ["online", h0 + 37 * MIN], // first known in the middle of the first hour
      ["offline", h0 + 2 * HOUR_MS + 15 * MIN],
      ["unknown", h0 + 3 * HOUR_MS + 40 * MIN],
      ["online", h0 + 4 * HOUR_MS + 5 * MIN],
      ["offline", h0 + 8 * HOUR_MS + 10 * MIN],
      ["online", h0 + 8 * HOUR_MS + 31 * MIN + 7_123],
      ["end", h0 + 13 * HOUR_MS],
    ]);
    spans("e1", [
      ["online", h0 - HOUR_MS],
      ["offline", h0 + 6 * HOUR_MS + 1],
      ["online", h0 + 9 * HOUR_MS - 1],
      ["end", h0 + 13 * HOUR_MS],
    ]);
  });

  afterAll(async () => {
    for (const h of histories) await h.stop();
    await api?.close();
    await harness?.close();
    await broker?.close();
    await influxd?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function openHistory(o: { dataDir?: string; backfillHours?: number; now?: () => number } = {}) {
    const history = new InfluxHistory({
      influx: influxSettings(influxd.url, { flushIntervalMs: 50 }),
      dataDir: o.dataDir ?? dataDir,
      logger: silentLogger(),
      uptime: { aggregator: harness.aggregator, halls: harness.halls, maintenance },
      uptimeInitialBackfillHours: o.backfillHours ?? 16,
      ...(o.now ? { now: o.now } : {}),
    });
    histories.push(history);
    history.start();
    return history;
  }

  async function hourlyFromInflux(history: InfluxHistory, fromMs: number, toMs: number) {
    await history.drained();
    return history.client.query<Record<string, any>>(
      `SELECT sum("expected_sec") AS expected, sum("up_sec") AS up, sum("down_sec") AS down,
              sum("unknown_sec") AS unknown, sum("maintenance_sec") AS maintenance, count("up_sec") AS hours
       FROM "${DB}"."${RETENTION.long}"."${MEASUREMENT.uptime}"
       WHERE time >= ${fromMs}ms AND time < ${toMs}ms GROUP BY "device"`,
    );
  }

  async function consoleUptime(fromMs: number, toMs: number) {
    const res = await api.inject({
      method: "GET",
      url: `/api/uptime?hallId=h1&fromMs=${fromMs}&toMs=${toMs}`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(200);
    return res.json().items as Record<string, any>[];
  }

  it("sums of up_sec and expected_sec over whole hours equal the console's figures for the same range", async () => {
    const history = openHistory();
    await history.ready();
    await history.rollUpUptime();
    for (const [from, to] of [
      [h0, rangeEnd],
      [h0 + 2 * HOUR_MS, h0 + 7 * HOUR_MS],
      [h0 + 8 * HOUR_MS, h0 + 9 * HOUR_MS],
    ] as const) {
      const influx = await hourlyFromInflux(history, from, to);
      const console = await consoleUptime(from, to);
      expect(console).toHaveLength(2);
      for (const row of console) {
        const sums = influx.find((r) => r.device === row.deviceId)!;
        expect(sums.hours).toBe((to - from) / HOUR_MS);
        expect(Math.round(sums.expected * 1000)).toBe(row.expectedMs);
        expect(Math.round(sums.up * 1000)).toBe(row.upMs);
        expect(Math.round(sums.down * 1000)).toBe(row.downMs);
        expect(Math.round(sums.unknown * 1000)).toBe(row.unknownMs);
        expect(Math.round(sums.maintenance * 1000)).toBe(row.maintenanceMs);
        // With no up or down time (a range inside closed hours, or all unknown) the console shows no ratio.
        if (row.ratio === null) expect(sums.up + sums.down).toBe(0);
        else expect(sums.up / (sums.up + sums.down)).toBeCloseTo(row.ratio, 12);
      }
    }
    // The data has what the comparison needs: down, unknown and maintenance time, and closed hours.
    const [k1] = (await consoleUptime(h0, rangeEnd)).filter((r) => r.deviceId === "k1");
    expect(k1!.downMs).toBeGreaterThan(0);
    expect(k1!.unknownMs).toBeGreaterThan(0);
    expect(k1!.maintenanceMs).toBeGreaterThan(0);
    expect(k1!.expectedMs).toBeLessThan(12 * HOUR_MS - 37 * MIN - k1!.maintenanceMs);
  });

  it("after a restart catches up the hours it missed from where it stopped: none skipped, none counted twice", async () => {
    await histories[0]!.client.query(`DROP MEASUREMENT "${MEASUREMENT.uptime}"`);
    const stateDir = tempDataDir();
    const nowMs = Date.now();
    // A first run whose clock says three hours ago, stopped; then the next run with the real clock.
    const before = openHistory({ dataDir: stateDir, backfillHours: 16, now: () => nowMs - 3 * HOUR_MS });
    await before.ready();
    await before.rollUpUptime();
    const stoppedAt = before.stats().uptimeLastHourEndMs!;
    expect(stoppedAt).toBe(floorHour(nowMs - 3 * HOUR_MS - 5_000));
    await before.drained();
    await before.stop();
    // Its initial backfill is a single hour: only the state file can tell it where to go on from.
    const after = openHistory({ dataDir: stateDir, backfillHours: 1, now: () => nowMs });
    await after.ready();
    await after.rollUpUptime();
    const lastHourEnd = after.stats().uptimeLastHourEndMs!;
    expect(lastHourEnd).toBe(floorHour(nowMs - 5_000));
    const firstHour = stoppedAt - 16 * HOUR_MS;
    const rows = await hourlyFromInflux(after, firstHour - 5 * HOUR_MS, lastHourEnd + HOUR_MS);
    for (const row of rows) expect(row.hours).toBe((lastHourEnd - firstHour) / HOUR_MS);
    const console = await consoleUptime(h0, rangeEnd);
    const sums = await hourlyFromInflux(after, h0, rangeEnd);
    for (const row of console) {
      const mine = sums.find((r) => r.device === row.deviceId)!;
      expect(Math.round(mine.up * 1000)).toBe(row.upMs);
      expect(Math.round(mine.expected * 1000)).toBe(row.expectedMs);
    }
    rmSync(stateDir, { recursive: true, force: true });
  });
});
