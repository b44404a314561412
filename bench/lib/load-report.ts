// The harness's outputs from one report: markdown tables, the key figures for the console, and SVG charts.
import type { HallRun, LoadReport, NodeRedFigures } from "../load.js";
import type { GcPauseFigures } from "./gc-pauses.js";
import { targetsLine } from "./load-targets.js";
import { STAGES, type Stage } from "./stage-attribution.js";
import { lineChart } from "./svg-chart.js";

const n = (v: number | undefined, digits = 0) =>
  v === undefined || !Number.isFinite(v)
    ? "–"
    : v.toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pct = (a: number, b: number | undefined) =>
  b && Number.isFinite(a / b) ? `${((a / b) * 100).toFixed(0)} %` : "–";

/** What a Node-RED variant got all the way through: into InfluxDB, or through the flow when it writes nothing. */
export const nodeRedRate = (red: NodeRedFigures) =>
  red.sink === "none" ? red.msgPerSec : Math.min(red.msgPerSec, red.writtenMsgPerSec);

const bestNodeRed = (r: HallRun) =>
  r.nodeRed.reduce<NodeRedFigures | undefined>(
    (best, red) => (!best || nodeRedRate(red) > nodeRedRate(best) ? red : best),
    undefined,
  );

/** GC pauses: count · p99 · max · total ms ("–" for a report written before they were measured). */
const gcText = (g: GcPauseFigures | undefined) =>
  g ? `${g.count} · ${n(g.p99PauseMs, 1)} · ${n(g.maxPauseMs, 1)} · ${n(g.totalPauseMs, 1)}` : "–";

const STAGE_LABELS: Record<Stage, string> = {
  decode: "decode",
  validate: "validate",
  presence: "presence",
  rules: "rules",
  alerts: "alerts",
  persistence: "persistence (SQLite, store, ingest log)",
  mqttNetwork: "MQTT / network",
  gc: "GC",
  other: "other",
};

/** A durable run says so; a report from before the flag existed ran without the ingest log. */
const durableText = (report: LoadReport) =>
  report.options.durable === true
    ? "durable acknowledgements on (ingest log)"
    : "durable acknowledgements off";

export function renderTable(report: LoadReport): string {
  const o = report.options;
  const sinks = o.nodeRed;
  const lines = [
    `Throughput (bursts of ≥ ${n(o.messages)} messages, Node-RED ≥ ${n(o.nodeRedMessages)}; QoS ${o.qos}; fault share ${(o.faultShare * 100).toFixed(1)} %; aggregator with ${durableText(report)}; ${report.machine.cpus} cores; Node ${report.machine.node})`,
    "",
    `| halls | devices | bare subscriber msg/s | aggregator msg/s | aggregator / bare |${sinks.map((s) => ` Node-RED (${s}) msg/s in / written |`).join("")} aggregator / best Node-RED | CPU µs per msg: bare · aggregator${sinks.map((s) => ` · Node-RED ${s}`).join("")} | cores in the aggregator burst: aggregator · broker · generators · other work |`,
    `|---:|---:|---:|---:|---:|${sinks.map(() => "---:|").join("")}---:|---:|---:|`,
  ];
  for (const r of report.runs) {
    const a = r.aggregator;
    const best = bestNodeRed(r);
    const reds = sinks.map((sink) => r.nodeRed.find((x) => x.sink === sink));
    lines.push(
      `| ${n(r.halls)} | ${n(r.devices)} | ${n(r.bare.msgPerSec)} | ${n(a.msgPerSec)} | ${pct(a.msgPerSec, r.bare.msgPerSec)} |${reds.map((red) => ` ${red ? `${n(red.msgPerSec)} / ${red.sink === "none" ? "–" : n(red.writtenMsgPerSec)}` : "–"} |`).join("")} ${best ? `${(a.msgPerSec / nodeRedRate(best)).toFixed(1)} ×` : "–"} | ${n(r.bare.cpuUsPerMsg, 1)} · ${n(a.cpuUsPerMsg, 1)}${reds.map((red) => ` · ${red ? n(red.cpuUsPerMsg, 1) : "–"}`).join("")} | ${n(a.cores, 2)} · ${n(a.brokerCores, 2)} · ${n(a.generatorCores, 2)} · ${n(a.otherCores, 2)} |`,
    );
  }
  lines.push(
    "",
    "Latency, memory and losses",
    "",
    "| halls | background msg/s | fault → alert p50 / p99 / max ms | samples | aggregator cores | aggregator event-loop delay p99 / max ms | slowest flush · alert tick · silence check ms | other work, cores | RSS MB | RSS per device B | JS heap per device B: used · committed unused · external | lost (bare · aggregator · Node-RED) | dead letters | seq gaps | faults sent → alerts opened |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  );
  for (const r of report.runs) {
    const a = r.aggregator;
    const l = r.latency;
    const redLost = r.nodeRed.length > 0 ? r.nodeRed.map((red) => red.lost).join(" / ") : "–";
    lines.push(
      `| ${n(r.halls)} | ${n(l.backgroundMsgPerSec)} | ${n(l.p50Ms, 1)} / ${n(l.p99Ms, 1)} / ${n(l.maxMs, 1)} | ${l.samples}${l.missing ? ` (${l.missing} missing)` : ""} | ${n(l.aggregatorCores, 2)} | ${n(l.loopDelayP99Ms, 1)} / ${n(l.loopDelayMaxMs, 1)} | ${n(l.slowestFlushMs, 1)} · ${n(l.slowestAlertTickMs, 1)} · ${n(l.slowestSilenceCheckMs, 1)} | ${n(l.otherCores, 2)} | ${n(a.rssMb, 1)} | ${n(a.rssPerDeviceBytes)} | ${n(a.heapPerDeviceBytes)} · ${a.heapUnusedPerDeviceBytes === undefined ? "–" : n(a.heapUnusedPerDeviceBytes)} · ${a.externalPerDeviceBytes === undefined ? "–" : n(a.externalPerDeviceBytes)} | ${r.bare.lost} · ${a.lost} · ${redLost} | ${a.deadLetters} | ${a.seqGaps} | ${n(a.faultsSent)} → ${n(a.alertsOpened)} |`,
    );
  }
  lines.push(
    "",
    ...pausesTable(report),
    ...steadyTable(report),
    ...attributionTable(report),
    ...targetsList(report),
  );
  return lines.join("\n");
}

/** The aggregator's event loop and GC pauses in each phase, and its ingest log. */
function pausesTable(report: LoadReport): string[] {
  const lines = [
    "Aggregator pauses by phase (GC: count · p99 · max · total ms; bursts: all --repeat bursts together)",
    "",
    "| halls | ingest log: unlogged | burst event-loop delay p99 / max ms | burst GC pauses | latency phase event-loop delay p99 / max ms | latency phase GC pauses | steady phase event-loop delay p99 / max ms | steady phase GC pauses |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of report.runs) {
    const a = r.aggregator;
    const st = r.steady ?? null;
    lines.push(
      `| ${n(r.halls)} | ${a.messagesUnlogged ?? "off"} | ${n(a.burstLoopDelayP99Ms, 1)} / ${n(a.burstLoopDelayMaxMs, 1)} | ${gcText(a.burstGc)} | ${n(r.latency.loopDelayP99Ms, 1)} / ${n(r.latency.loopDelayMaxMs, 1)} | ${gcText(r.latency.gc)} | ${st ? `${n(st.loopDelayP99Ms, 1)} / ${n(st.loopDelayMaxMs, 1)}` : "–"} | ${gcText(st?.gc)} |`,
    );
  }
  return lines;
}

/** The steady province phase: each size at its realistic rate, probed; held = kept up and p99 ≤ 100 ms. */
function steadyTable(report: LoadReport): string[] {
  const runs = report.runs.filter((r) => r.steady);
  if (runs.length === 0) return [];
  const lines = [
    "",
    "Steady phase at the realistic rate of the size (mains devices every 10 s, sensors every 15 min)",
    "",
    "| halls | rate msg/s | seconds | sent | counted by the end | backlog at end | lost | fault → alert p50 / p99 / max ms | samples | aggregator cores | held |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
  ];
  for (const r of runs) {
    const st = r.steady as NonNullable<HallRun["steady"]>;
    lines.push(
      `| ${n(r.halls)} | ${n(st.rateMsgPerSec)} | ${st.durationSec} | ${n(st.sent)} | ${n(st.countedAtEnd)} (${n(st.countedShare * 100, 1)} %) | ${n(st.backlogAtEnd)} | ${st.lost} | ${n(st.p50Ms, 1)} / ${n(st.p99Ms, 1)} / ${n(st.maxMs, 1)} | ${st.samples}${st.missing ? ` (${st.missing} missing)` : ""} | ${n(st.aggregatorCores, 2)} | ${st.held ? "yes" : `**no** (${st.keptUp ? "p99 > 100 ms" : "fell behind"})`} |`,
    );
  }
  return lines;
}

/** The aggregator's CPU µs per message by stage (V8 profile of one extra burst × its CPU per message). */
function attributionTable(report: LoadReport): string[] {
  const runs = report.runs.filter((r) => r.attribution);
  if (runs.length === 0) return [];
  const lines = [
    "",
    "Aggregator CPU µs per message by stage (a profiled extra burst: V8 sampling every 100 µs; each stage's share of the busy samples × the burst's CPU µs per message from /proc)",
    "",
    `| halls | burst msg/s | CPU µs per msg |${STAGES.map((s) => ` ${STAGE_LABELS[s]} |`).join("")} busy samples |`,
    `|---:|---:|---:|${STAGES.map(() => "---:|").join("")}---:|`,
  ];
  for (const r of runs) {
    const at = r.attribution as NonNullable<HallRun["attribution"]>;
    lines.push(
      `| ${n(r.halls)} | ${n(at.msgPerSec)} | ${n(at.cpuUsPerMsg, 1)} |${STAGES.map((s) => ` ${n(at.usPerMsgByStage[s], 1)} |`).join("")} ${n(at.busySamples)} |`,
    );
  }
  return lines;
}

/** Issue 16's targets, one line per size. */
function targetsList(report: LoadReport): string[] {
  return [
    "",
    "Targets",
    "",
    ...report.runs.map(
      (r) =>
        `- **${n(r.halls)} hall${r.halls === 1 ? "" : "s"}**: ${targetsLine(r, report.options.latencyRate)}`,
    ),
  ];
}

/** The figures of every hall count, flat, for the console table of bench/run.ts. */
export function summary(report: LoadReport): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const r of report.runs) {
    const k = `${r.halls} halls`;
    out[`${k}: bare msg/s`] = r.bare.msgPerSec;
    out[`${k}: aggregator msg/s`] = r.aggregator.msgPerSec;
    out[`${k}: aggregator / bare`] = pct(r.aggregator.msgPerSec, r.bare.msgPerSec);
    for (const red of r.nodeRed) out[`${k}: Node-RED (${red.sink}) msg/s`] = nodeRedRate(red);
    out[`${k}: p99 fault→alert ms`] = r.latency.p99Ms;
    out[`${k}: RSS B/device`] = r.aggregator.rssPerDeviceBytes;
    if (r.steady) out[`${k}: steady held`] = r.steady.held ? "yes" : "no";
    out[`${k}: lost`] = r.bare.lost + r.aggregator.lost + r.nodeRed.reduce((sum, red) => sum + red.lost, 0);
  }
  return out;
}

const series = (runs: HallRun[], name: string, color: string, y: (r: HallRun) => number | undefined) => ({
  name,
  color,
  points: runs.map((r) => ({ x: r.halls, y: y(r) ?? Number.NaN })),
});

export function renderCharts(report: LoadReport): Record<string, string> {
  const runs = report.runs;
  const logX = runs.length > 2;
  const bigEnough = runs.filter((r) => r.devices >= 10_000);
  const large = bigEnough.length > 0 ? bigEnough : runs;
  return {
    "throughput.svg": lineChart({
      title: "Messages per second ingested, by number of halls",
      xLabel: `halls (26 devices each)${logX ? ", log scale" : ""}`,
      yLabel: "msg/s",
      logX,
      target: { y: 20_000, label: "target 20,000 msg/s" },
      series: [
        series(runs, "bare MQTT.js subscriber", "#888", (r) => r.bare.msgPerSec),
        series(runs, "Hallwatch aggregator", "#1f77b4", (r) => r.aggregator.msgPerSec),
        ...report.options.nodeRed.map((sink, i) =>
          series(runs, `Node-RED flow (${sink})`, ["#d62728", "#ff9896", "#8c564b"][i] ?? "#d62728", (r) => {
            const red = r.nodeRed.find((x) => x.sink === sink);
            return red ? nodeRedRate(red) : undefined;
          }),
        ),
      ],
    }),
    "latency.svg": lineChart({
      title: `Fault → alert on the live stream at ${n(report.options.latencyRate)} msg/s background`,
      xLabel: `halls (26 devices each)${logX ? ", log scale" : ""}`,
      yLabel: "ms",
      logX,
      target: { y: 100, label: "p99 target 100 ms" },
      series: [
        series(runs, "p50", "#2ca02c", (r) => r.latency.p50Ms),
        series(runs, "p99", "#ff7f0e", (r) => r.latency.p99Ms),
        series(runs, "max", "#9467bd", (r) => r.latency.maxMs),
      ],
    }),
    "memory.svg": lineChart({
      title: "Aggregator memory per device (runs of 10,000 devices or more)",
      xLabel: `halls (26 devices each)${logX ? ", log scale" : ""}`,
      yLabel: "bytes per device",
      logX,
      target: { y: 2048, label: "target 2 KB" },
      series: [
        series(large, "RSS per device", "#1f77b4", (r) => r.aggregator.rssPerDeviceBytes),
        series(large, "JS heap per device", "#17becf", (r) => r.aggregator.heapPerDeviceBytes),
      ],
    }),
  };
}
