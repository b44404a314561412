// Issue 16's targets, judged for one hall count of a load run: each met, missed, or not measured (null).
import type { HallRun } from "../load.js";

export interface TargetCheck {
  name: string;
  met: boolean | null;
  /** The measured figure(s) it was judged on. */
  measured: string;
}

/** RSS per device allowed (1.5 KB). */
export const RSS_PER_DEVICE_TARGET_BYTES = 1536;
export const RSS_JUDGED_FROM_DEVICES = 26_000;

const fmt = (v: number, digits = 0) =>
  Number.isFinite(v) ? v.toLocaleString("en", { maximumFractionDigits: digits }) : "–";
const judge = (v: number, ok: (x: number) => boolean) => (Number.isFinite(v) ? ok(v) : null);

/** `latencyRate` is the latency phase's background rate: the latency targets hold at 10,000 msg/s only. */
export function targetChecks(r: HallRun, latencyRate: number): TargetCheck[] {
  const a = r.aggregator;
  const l = r.latency;
  const ratio = a.msgPerSec / r.bare.msgPerSec;
  const cpuRatio = a.cpuUsPerMsg / r.bare.cpuUsPerMsg;
  const batch = r.nodeRed.find((red) => red.sink === "batch");
  const batchRate = batch ? Math.min(batch.msgPerSec, batch.writtenMsgPerSec) : Number.NaN;
  // Over every phase measured (a report from before the burst's figures has only the latency phase's).
  const loopMaxMs = Math.max(
    ...[a.burstLoopDelayMaxMs, l.loopDelayMaxMs, r.steady?.loopDelayMaxMs].filter(
      (ms): ms is number => ms !== undefined && Number.isFinite(ms),
    ),
  );
  const lost = r.bare.lost + a.lost + (r.steady?.lost ?? 0) + r.nodeRed.reduce((n, red) => n + red.lost, 0);
  const atTargetRate = latencyRate >= 10_000;
  return [
    { name: "aggregator/bare ≥ 80 %", met: judge(ratio, (x) => x >= 0.8), measured: `${fmt(ratio * 100)} %` },
    { name: "CPU µs/msg ≤ 3× bare", met: judge(cpuRatio, (x) => x <= 3), measured: `${fmt(cpuRatio, 1)} ×` },
    {
      name: "fault→alert p99 ≤ 100 ms, max ≤ 250 ms at 10,000 msg/s",
      met: atTargetRate ? judge(l.p99Ms, (p99) => p99 <= 100 && l.maxMs <= 250 && l.missing === 0) : null,
      measured: `${fmt(l.p99Ms, 1)} / ${fmt(l.maxMs, 1)} ms at ${fmt(latencyRate)} msg/s`,
    },
    {
      name: "event-loop delay max ≤ 100 ms",
      met: judge(loopMaxMs, (x) => x <= 100),
      measured: `${fmt(loopMaxMs, 1)} ms`,
    },
    {
      name: "RSS ≤ 1.5 KB per device",
      // Below 26,000 devices the process's fixed growth (heap spaces, SQLite cache) outweighs the devices.
      met:
        r.devices >= RSS_JUDGED_FROM_DEVICES
          ? judge(a.rssPerDeviceBytes, (x) => x <= RSS_PER_DEVICE_TARGET_BYTES)
          : null,
      measured: `${fmt(a.rssPerDeviceBytes)} B${r.devices >= RSS_JUDGED_FROM_DEVICES ? "" : " (judged from 1,000 halls)"}`,
    },
    {
      name: "≥ 3× Node-RED batch",
      met: judge(a.msgPerSec / batchRate, (x) => x >= 3),
      measured: batch ? `${fmt(a.msgPerSec / batchRate, 1)} ×` : "no batch run",
    },
    {
      name: "zero lost, dead letters, seq gaps, unlogged",
      met: lost === 0 && a.deadLetters === 0 && a.seqGaps === 0 && (a.messagesUnlogged ?? 0) === 0,
      measured: `${lost} · ${a.deadLetters} · ${a.seqGaps} · ${a.messagesUnlogged ?? "–"}`,
    },
  ];
}

/** One line per size: `name: measured met|MISSED|–`. */
export function targetsLine(r: HallRun, latencyRate: number): string {
  const mark = (met: boolean | null) => (met === null ? "not measured" : met ? "met" : "**missed**");
  return targetChecks(r, latencyRate)
    .map((t) => `${t.name}: ${t.measured} ${mark(t.met)}`)
    .join("; ");
}
