import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import type { Aggregator } from "../../src/aggregator/aggregator.js";
import { DEFAULT_REPORT_SCHEDULE } from "../../src/core/reports/schedule.js";
import { silentLogger } from "../../src/logging.js";
import { ReportScheduleStore } from "../../src/reports/schedule-store.js";
import { ReportScheduler } from "../../src/reports/scheduler.js";
import { describeEachEngine } from "../helpers/engines.js";
import { waitFor } from "../helpers/wait.js";
import { fleetStack } from "../notify/fleet-stack.js";
import { startHttpReceivers } from "../notify/receivers.js";

let http: Awaited<ReturnType<typeof startHttpReceivers>>;
const dir = mkdtempSync(join(tmpdir(), "hallwatch-report-claim-"));
beforeAll(async () => {
  http = await startHttpReceivers();
});
afterAll(async () => {
  await http.close();
  rmSync(dir, { recursive: true, force: true });
});

const withFlush = (aggregator: Aggregator): Aggregator =>
  new Proxy(aggregator, {
    get: (target, key) => (key === "flushForReads" ? () => {} : Reflect.get(target, key, target)),
  });

// Monday 9 March 2026, 08:05 in Shanghai: the weekly report (Mondays 08:00) is due.
const MONDAY = Date.UTC(2026, 2, 9, 0, 5);
const HALLS = [{ id: "xc-001", name: "西城 xc-001", region: "西城区" }];

describeEachEngine("a report run's claim and its queued messages", (fresh) => {
  it("commit together: when queueing fails the claim is not kept, and the next poll sends the report", async () => {
    const sql = await fresh();
    const s = await fleetStack({
      dir,
      receiverBase: http.base,
      startMs: MONDAY,
      halls: HALLS,
      actions: ["opened"],
      notifySql: sql,
    });
    try {
      const schedules = new ReportScheduleStore(sql);
      await schedules.put(
        "xc-001",
        { ...DEFAULT_REPORT_SCHEDULE, dutyManagers: false, channelIds: [s.robot.id] },
        "admin",
        MONDAY,
      );
      const scheduler = new ReportScheduler({
        schedules,
        sources: { aggregator: withFlush(s.fleet.aggregator), halls: s.halls, alerts: s.alerts },
        users: { list: () => [] },
        notify: { store: s.store, dispatcher: s.dispatcher },
        linkBaseUrl: null,
        chromiumPath: "/nonexistent/chromium",
        logger: silentLogger(),
        now: () => s.clock.ms,
      });
      // The messages are queued inside the claim's transaction: this time queueing fails after the claim was made.
      const enqueue = vi
        .spyOn(s.dispatcher, "enqueueMessages")
        .mockRejectedValue(new Error("outbox write failed"));
      await scheduler.poll();
      expect(enqueue).toHaveBeenCalled();
      expect(await sql.all("SELECT kind FROM report_runs")).toEqual([]);
      enqueue.mockRestore();
      await scheduler.poll();
      const weekly = () => http.at("/wecom").filter((r) => String(r.body.markdown.content).includes("周报"));
      await waitFor(() => weekly().length >= 1, "the weekly report", 20_000);
      const runs = await sql.all<{ kind: string }>("SELECT kind FROM report_runs");
      expect(runs.map((r) => r.kind)).toContain("week");
      await scheduler.stop();
    } finally {
      await s.close();
      http.received.length = 0;
    }
  });
});
