import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Aggregator } from "../../src/aggregator/aggregator.js";
import { DEFAULT_REPORT_SCHEDULE } from "../../src/core/reports/schedule.js";
import { silentLogger } from "../../src/logging.js";
import { ReportScheduleStore } from "../../src/reports/schedule-store.js";
import { ReportScheduler } from "../../src/reports/scheduler.js";
import { describeEachEngine } from "../helpers/engines.js";
import { secondNode } from "../helpers/second-node.js";
import { waitFor } from "../helpers/wait.js";
import { fleetStack } from "../notify/fleet-stack.js";
import { startHttpReceivers } from "../notify/receivers.js";

let http: Awaited<ReturnType<typeof startHttpReceivers>>;
const dir = mkdtempSync(join(tmpdir(), "hallwatch-report-nodes-"));
beforeAll(async () => {
  http = await startHttpReceivers();
});
afterAll(async () => {
  await http.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The fleet's stand-in aggregator has nothing buffered to flush before a report reads it. */
const withFlush = (aggregator: Aggregator): Aggregator =>
  new Proxy(aggregator, {
    get: (target, key) => (key === "flushForReads" ? () => {} : Reflect.get(target, key, target)),
  });

// Monday 9 March 2026, 08:05 in Shanghai: the weekly report (Mondays 08:00) is due.
const MONDAY = Date.UTC(2026, 2, 9, 0, 5);
const HALLS = [{ id: "xc-001", name: "西城 xc-001", region: "西城区" }];

describeEachEngine("report runs with two nodes polling at the same moment", (fresh) => {
  it("queue each due report once, whichever node claims it", { timeout: 60_000 }, async () => {
    const sql = await fresh();
    const other = secondNode(sql);
    // The schedules, the runs and the outbox are on the shared database (each node over its own connections); the
    // alerts and halls each node reads are its own.
    const engines = [sql, other.engine];
    const nodes = await Promise.all(
      engines.map((engine, i) =>
        fleetStack({
          dir,
          receiverBase: http.base,
          startMs: MONDAY,
          halls: HALLS,
          actions: ["opened"],
          notifySql: engine,
          nodeId: `node-${i}`,
        }),
      ),
    );
    const [a] = nodes as [(typeof nodes)[0]];
    try {
      const schedules = [new ReportScheduleStore(sql), new ReportScheduleStore(other.engine)];
      await schedules[0]?.put(
        "xc-001",
        { ...DEFAULT_REPORT_SCHEDULE, dutyManagers: false, channelIds: [a.robot.id] },
        "admin",
        MONDAY,
      );
      const schedulers = nodes.map(
        (s, i) =>
          new ReportScheduler({
            schedules: schedules[i] as ReportScheduleStore,
            sources: { aggregator: withFlush(s.fleet.aggregator), halls: s.halls, alerts: s.alerts },
            users: { list: () => [] },
            notify: { store: s.store, dispatcher: s.dispatcher },
            linkBaseUrl: null,
            chromiumPath: "/nonexistent/chromium",
            logger: silentLogger(),
            now: () => s.clock.ms,
          }),
      );
      await Promise.all(schedulers.map((r) => r.poll()));
      const weekly = () => http.at("/wecom").filter((r) => String(r.body.markdown.content).includes("周报"));
      await waitFor(() => weekly().length >= 1, "the weekly report", 20_000);
      await Promise.all(nodes.map((s) => s.dispatcher.deliverDue()));
      await Promise.all(schedulers.map((r) => r.poll()));
      await Promise.all(nodes.map((s) => s.dispatcher.deliverDue()));
      expect(weekly()).toHaveLength(1);
      // Every report was queued by one node or the other, never by both.
      const keys = (
        await sql.all<{ k: string }>(
          "SELECT dedupe_key AS k FROM notify_done WHERE dedupe_key LIKE 'report:%'",
        )
      ).map((r) => r.k);
      const runs = await sql.all<{ kind: string }>("SELECT kind FROM report_runs WHERE hall_id = ?", [
        "xc-001",
      ]);
      expect(runs.map((r) => r.kind)).toContain("week");
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys).toHaveLength(runs.length);
      await Promise.all(schedulers.map((r) => r.stop()));
    } finally {
      for (const s of nodes) await s.close();
      await other.close();
      http.received.length = 0;
    }
  });
});
