import { DateTime } from "luxon";
import { expect, it } from "vitest";
import type { Aggregator } from "../../src/aggregator/aggregator.js";
import type { AlertService } from "../../src/alerts/alert-service.js";
import { ReadinessService } from "../../src/calendar/readiness-service.js";
import type { OpeningHours } from "../../src/core/calendar/opening-hours.js";
import type { ReadinessReport } from "../../src/core/calendar/readiness.js";
import { silentLogger } from "../../src/logging.js";
import type { Halls } from "../../src/store/hall-directory.js";
import { ReadinessReportStore } from "../../src/store/readiness-reports.js";
import type { SqlEngine } from "../../src/store/sql/engine.js";
import { PostgresEngine } from "../../src/store/sql/postgres-engine.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";
import { describeEachEngine } from "../helpers/engines.js";
import { fillable } from "../helpers/failing-engine.js";

const at = (iso: string) => DateTime.fromISO(iso, { zone: "Asia/Shanghai" }).toMillis();

const report = (hallId: string, openingMs: number, over: Partial<ReadinessReport> = {}): ReadinessReport => ({
  hallId,
  timeZone: "Asia/Shanghai",
  openingMs,
  openingLocal: "2026-11-23 09:00",
  generatedMs: openingMs - 1_800_000,
  ready: true,
  verdict: { en: "Ready", zh: "就绪" },
  notReady: [],
  openAlerts: [],
  inspectionsDue: [],
  ...over,
});

/** A second engine on the same database: another node's connection (PostgreSQL) or the same file (SQLite). */
function sameDatabase(engine: SqlEngine): SqlEngine {
  if (engine instanceof PostgresEngine) {
    const url = engine.pool.options.connectionString;
    if (!url) throw new Error("no connection string");
    return new PostgresEngine({ connectionString: url });
  }
  return new SqliteEngine((engine as SqliteEngine).db);
}

const MONDAY_NINE_TO_SIX: OpeningHours = {
  timeZone: "Asia/Shanghai",
  weekly: { mon: [{ open: "09:00", close: "18:00" }], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
  exceptions: [],
} as OpeningHours;

/** One node's readiness service over its own engine, for one hall with no devices and no alerts. */
function node(sql: SqlEngine, now: () => number): ReadinessService {
  const halls: Halls = {
    get: (id) =>
      id === "h1" ? { id, name: "H1", timeZone: "Asia/Shanghai", region: null, createdMs: 0 } : null,
    list: () => [{ id: "h1", name: "H1", timeZone: "Asia/Shanghai", region: null, createdMs: 0 }],
    openingHours: (id) => (id === "h1" ? MONDAY_NINE_TO_SIX : null),
  };
  return new ReadinessService({
    sql,
    halls,
    aggregator: { presence: { allDevices: () => [] } } as unknown as Aggregator,
    alerts: { activeAlerts: () => [] } as unknown as AlertService,
    logger: silentLogger(),
    now,
  });
}

describeEachEngine("readiness reports", (fresh) => {
  it("records one report per hall and opening: the first claim wins and is kept, later ones are refused", async () => {
    const store = new ReadinessReportStore(await fresh());
    const opening = at("2026-11-23T09:00");
    expect(await store.claim(report("h1", opening, { ready: false }))).toBe(true);
    expect(await store.claim(report("h1", opening, { ready: true, generatedMs: opening - 60_000 }))).toBe(
      false,
    );
    expect(await store.latest("h1")).toEqual(report("h1", opening, { ready: false }));
    // Another hall, or another opening of the same hall, is a report of its own.
    expect(await store.claim(report("h2", opening))).toBe(true);
    expect(await store.claim(report("h1", at("2026-11-30T09:00")))).toBe(true);
  });

  it("gives each hall's report for its latest opening, by time (not by insertion), and null for a hall without one", async () => {
    const store = new ReadinessReportStore(await fresh());
    const later = at("2026-11-30T09:00");
    const earlier = at("2026-11-23T09:00");
    await store.claim(report("h1", later, { openingLocal: "later" }));
    await store.claim(report("h1", earlier, { openingLocal: "earlier" }));
    await store.claim(report("h2", at("2026-12-07T09:00")));
    expect((await store.latest("h1"))?.openingLocal).toBe("later");
    expect(await store.latest("h3")).toBeNull();
  });

  it("several nodes claiming the same opening at once: exactly one records it", async () => {
    const first = await fresh();
    const second = sameDatabase(first);
    try {
      const stores = [new ReadinessReportStore(first), new ReadinessReportStore(second)];
      for (let n = 0; n < 10; n++) {
        const opening = at("2026-11-23T09:00") + n * 86_400_000;
        const claims = await Promise.all(
          [0, 1, 2, 3].map((i) => stores[i % 2]!.claim(report("h1", opening, { openingLocal: `node ${i}` }))),
        );
        expect(claims.filter(Boolean)).toHaveLength(1);
      }
    } finally {
      if (second instanceof PostgresEngine) await second.close();
    }
  });

  it("two readiness services polling the same opening at the same time announce it once between them", async () => {
    const first = await fresh();
    const second = sameDatabase(first);
    try {
      let nowMs = at("2026-11-23T08:00");
      const nodes = [node(first, () => nowMs), node(second, () => nowMs)];
      const announced: ReadinessReport[] = [];
      for (const n of nodes) {
        n.bus.on("readiness_report", (r) => announced.push(r));
        n.start();
        n.stop(); // polled by hand below
      }
      nowMs = at("2026-11-23T08:31");
      await Promise.all(nodes.map((n) => n.poll()));
      expect(announced).toHaveLength(1);
      expect(announced[0]).toMatchObject({ hallId: "h1", openingMs: at("2026-11-23T09:00"), ready: true });
      expect((await nodes[1]!.latest("h1"))?.openingMs).toBe(at("2026-11-23T09:00"));
      const rows = await first.get<{ n: number }>("SELECT COUNT(*) AS n FROM readiness_reports");
      expect(rows?.n).toBe(1);
    } finally {
      if (second instanceof PostgresEngine) await second.close();
    }
  });

  it("a check the database cannot record is tried again at each poll until the opening, then announced once", async () => {
    const sql = fillable(await fresh());
    let nowMs = at("2026-11-23T08:00");
    const service = node(sql, () => nowMs);
    const announced: ReadinessReport[] = [];
    service.bus.on("readiness_report", (r) => announced.push(r));
    service.start();
    service.stop();
    sql.full = true;
    nowMs = at("2026-11-23T08:30");
    await service.poll();
    nowMs = at("2026-11-23T08:31");
    await service.poll();
    expect(announced).toHaveLength(0);
    sql.full = false;
    nowMs = at("2026-11-23T08:32");
    await service.poll();
    await service.poll();
    expect(announced).toHaveLength(1);
    expect(announced[0]).toMatchObject({
      openingMs: at("2026-11-23T09:00"),
      generatedMs: at("2026-11-23T08:32"),
    });
    // After the opening a check not recorded is dropped: the next week's is recorded in its turn.
    sql.full = true;
    nowMs = at("2026-11-30T08:30");
    await service.poll();
    nowMs = at("2026-11-30T08:45");
    await service.poll();
    sql.full = false;
    nowMs = at("2026-11-30T09:00");
    await service.poll();
    expect(announced).toHaveLength(1);
  });
});
