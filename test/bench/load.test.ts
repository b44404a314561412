// The load harness in its CI short mode: every process starts, every phase runs, and every message sent is
// counted by every consumer (no loss, nothing dead-lettered). Timings are printed by the bench, never asserted.
import { describe, expect, it } from "vitest";
import { renderCharts, renderTable, summary } from "../../bench/lib/load-report.js";
import { DEVICES_PER_HALL } from "../../bench/lib/load-scenario.js";
import { STAGES } from "../../bench/lib/stage-attribution.js";
import { benchLoad, steadyRateFor } from "../../bench/load.js";
import { parseLoadArgs } from "../../bench/load-cli.js";
import { requireInCi } from "../helpers/external-servers.js";
import { INFLUXD } from "../helpers/influxd.js";

describe("load harness, short mode", () => {
  it("reads its flags, with --quick defaults and explicit values", () => {
    const quick = parseLoadArgs(["--quick", "--halls", "2,3"], false);
    expect(quick).toMatchObject({ quick: true, halls: [2, 3], nodeRed: ["batch"], qos: 1 });
    expect(parseLoadArgs([], true).quick).toBe(true);
    const full = parseLoadArgs(["--messages", "5000", "--node-red", "off", "--qos", "0"], false);
    expect(full).toMatchObject({
      quick: false,
      halls: [1, 100, 1000, 4000, 10000],
      durable: true,
      attributeHalls: [10000],
      steadySeconds: 60,
      messages: 5000,
      nodeRed: [],
      qos: 0,
    });
    expect(() => parseLoadArgs(["--halls", "0"], false)).toThrow(/hall counts/);
    expect(() => parseLoadArgs(["--node-red", "maybe"], false)).toThrow(/node-red/);
    expect(
      parseLoadArgs(
        ["--halls", "5,50", "--durable", "off", "--attribute", "all", "--steady-seconds", "3"],
        false,
      ),
    ).toMatchObject({ durable: false, attributeHalls: [5, 50], steadySeconds: 3 });
    expect(parseLoadArgs(["--halls", "5,50", "--attribute", "off"], false).attributeHalls).toEqual([]);
    expect(() => parseLoadArgs(["--durable", "maybe"], false)).toThrow(/durable/);
    expect(() => parseLoadArgs(["--halls", "5", "--attribute", "7"], false)).toThrow(/attribute/);
    // The province's rate comes from the layout: 16 mains devices every 10 s, 10 sensors every 15 min.
    expect(steadyRateFor(10_000)).toBe(Math.round(10_000 * (16 / 10 + 10 / 900)));
  });

  it("runs every phase and counts every message sent, end to end", { timeout: 180_000 }, async () => {
    const nodeRed = requireInCi(INFLUXD, "influxd") ? "batch" : "none";
    const { out: _out, ...options } = parseLoadArgs(
      ["--quick", "--halls", "3", "--node-red", nodeRed],
      false,
    );
    const report = await benchLoad({ ...options, faultShare: 0.05 }, () => undefined);

    expect(report.runs).toHaveLength(1);
    const run = report.runs[0]!;
    expect(run).toMatchObject({ halls: 3, devices: 3 * DEVICES_PER_HALL });
    expect(run.nodeRed).toHaveLength(1);
    const red = run.nodeRed[0]!;
    for (const phase of [run.bare, run.aggregator, red]) {
      expect(phase.sent).toBeGreaterThanOrEqual(options.messages);
      expect(phase.received).toBe(phase.sent);
      expect(phase.lost).toBe(0);
      expect(phase.msgPerSec).toBeGreaterThan(0);
    }
    expect(run.aggregator.deadLetters).toBe(0);
    expect(run.aggregator.seqGaps).toBe(0);
    expect(run.aggregator.faultsSent).toBeGreaterThan(0);
    expect(run.aggregator.alertsOpened).toBeGreaterThan(0);
    expect(Number.isFinite(run.aggregator.rssPerDeviceBytes)).toBe(true);
    expect(Number.isFinite(run.aggregator.heapUnusedPerDeviceBytes)).toBe(true);
    expect(Number.isFinite(run.aggregator.externalPerDeviceBytes)).toBe(true);
    expect(run.latency).toMatchObject({ samples: options.latencySamples, missing: 0 });
    expect(run.latency.received).toBe(run.latency.sent);
    expect(run.latency.p50Ms).toBeLessThanOrEqual(run.latency.p99Ms);
    expect(run.latency.p99Ms).toBeLessThanOrEqual(run.latency.maxMs);
    // Durable acknowledgements: every message was in the ingest log before its PUBACK.
    expect(run.aggregator).toMatchObject({ durable: true, messagesUnlogged: 0 });
    const gcShape = {
      count: expect.any(Number),
      p99PauseMs: expect.any(Number),
      maxPauseMs: expect.any(Number),
      totalPauseMs: expect.any(Number),
    };
    expect(run.aggregator.burstGc).toEqual(gcShape);
    expect(run.latency.gc).toEqual(gcShape);
    expect(Number.isFinite(run.aggregator.burstLoopDelayMaxMs)).toBe(true);
    const steady = run.steady!;
    expect(steady).toMatchObject({
      rateMsgPerSec: steadyRateFor(3),
      durationSec: options.steadySeconds,
      lost: 0,
    });
    expect(steady.gc).toEqual(gcShape);
    expect(steady.samples + steady.missing).toBeGreaterThan(0);
    expect(typeof steady.held).toBe("boolean");
    const attribution = run.attribution!;
    expect(Object.keys(attribution.usPerMsgByStage)).toEqual([...STAGES]);
    expect(attribution.busySamples).toBeGreaterThan(0);
    expect(red).toMatchObject({ sink: nodeRed, invalid: 0, writeErrors: 0 });
    expect(red.written).toBe(red.received);

    const table = renderTable(report);
    expect(table).toContain("| 3 | 78 |");
    expect(table).toContain("durable acknowledgements on");
    for (const heading of ["Aggregator pauses by phase", "Steady phase", "by stage", "Targets"])
      expect(table).toContain(heading);
    expect(table).toContain("- **3 halls**: aggregator/bare ≥ 80 %");
    expect(Object.keys(summary(report))).toContain("3 halls: aggregator msg/s");
    const charts = renderCharts(report);
    expect(Object.keys(charts).sort()).toEqual(["latency.svg", "memory.svg", "throughput.svg"]);
    for (const svg of Object.values(charts))
      expect(svg).toMatch(/^<svg [^>]*>[\s\S]*<circle [\s\S]*<\/svg>\n$/);
  });
});
