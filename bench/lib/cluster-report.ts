// The figures of `npm run bench -- cluster` side by side, and what they mean for sizing: pure functions over the
// measured numbers, so that the reading of them is tested without running the bench.
import { round } from "./stats.js";

export interface NodeFigures {
  node: string;
  /** Halls the node handled during the window (leases held; all of them for a single node). */
  halls: number;
  msgPerSec: number;
  /** Share of one core the node process used (from /proc). */
  cores: number;
  cpuUsPerMsg: number;
}

/** What one window measured: each consumer, the broker, the publisher and the machine. */
export interface WindowFigures {
  nodes: NodeFigures[];
  /** Messages published into the broker a second over the window. */
  publishedMsgPerSec: number;
  brokerCores: number;
  /** Mosquitto's CPU per message published into it (its fan-out included). */
  brokerUsPerMsg: number;
  /** PostgreSQL's postmaster and backends (NaN on SQLite), per message published. */
  postgresCores: number;
  postgresUsPerMsg: number;
  publisherCores: number;
  /** Busy cores of the whole machine, and the part not from the processes measured (other sessions' work). */
  machineCores: number;
  otherCores: number;
}

export interface RunFigures {
  run: string;
  /** At the fixed rate, while the probe faults a kiosk now and then. */
  steady: WindowFigures;
  /** A burst as fast as the broker takes it, on top of the fixed rate: the ceiling of this machine. */
  burst: WindowFigures | null;
  /** Fault → alert on `hallwatch/v1/_system/alerts/+`; null for the bare subscriber. */
  latency: { p50Ms: number; p99Ms: number; samples: number; missing: number } | null;
}

export interface ClusterReport {
  halls: number;
  devicesPerHall: number;
  ratePerSec: number;
  windowSec: number;
  burstMessages: number;
  cpus: number;
  runs: RunFigures[];
}

/** The planning assumption: 50 devices per hall, each reporting every 10 s (the default report interval). */
export const HALL_DEVICES = 50;
export const REPORT_INTERVAL_SEC = 10;
export const HALL_MSG_PER_SEC = HALL_DEVICES / REPORT_INTERVAL_SEC;
/** A node is planned at half a core of ingest, leaving room for takeovers (a rebirth storm) and the API. */
export const PLANNED_CORE_SHARE = 0.5;
/** The province of the sizing example. */
export const PROVINCE_HALLS = 2000;

/** One row per consumer (node) of one window, with its run's latency and broker figures, for console.table. */
export function clusterRows(
  report: ClusterReport,
  which: "steady" | "burst",
): Record<string, string | number>[] {
  return report.runs.flatMap((r) => {
    const w = r[which];
    if (!w) return [];
    return w.nodes.map((n, i) => {
      const first = i === 0;
      const latency: Record<string, string | number> =
        which === "steady"
          ? {
              "alert p50 ms": first && r.latency ? r.latency.p50Ms : "",
              "alert p99 ms": first && r.latency ? r.latency.p99Ms : "",
              samples:
                first && r.latency ? `${r.latency.samples}/${r.latency.samples + r.latency.missing}` : "",
            }
          : {};
      return {
        run: first ? r.run : "",
        node: n.node,
        halls: n.halls,
        "msg/s": n.msgPerSec,
        "CPU µs/msg": n.cpuUsPerMsg,
        cores: n.cores,
        ...latency,
        "in msg/s": first ? w.publishedMsgPerSec : "",
        "broker µs/msg": first ? w.brokerUsPerMsg : "",
        "broker cores": first ? w.brokerCores : "",
        "postgres µs/msg": first && Number.isFinite(w.postgresUsPerMsg) ? w.postgresUsPerMsg : "",
        "postgres cores": first && Number.isFinite(w.postgresCores) ? w.postgresCores : "",
        "publisher cores": first ? w.publisherCores : "",
        "machine cores": first ? w.machineCores : "",
        "other cores": first ? w.otherCores : "",
      };
    });
  });
}

export interface Sizing {
  /** The costliest Hallwatch node on PostgreSQL (SQLite when there is none) in the bursts, µs of CPU per message. */
  nodeUsPerMsg: number;
  /** The same at the fixed rate, where messages come one by one (an upper bound). */
  steadyNodeUsPerMsg: number;
  /** What one node takes on one core, and what it is planned at. */
  nodeCapacityMsgPerSec: number;
  plannedMsgPerSec: number;
  hallsPerNode: number;
  /** Mosquitto's CPU per message in the bursts, and what one thread of it takes. */
  brokerUsPerMsg: number;
  brokerCapacityMsgPerSec: number;
  /** PostgreSQL's CPU per message in the bursts (the nodes' batched writes), and its cores for the province. */
  postgresUsPerMsg: number;
  provincePostgresCores: number;
  /** msg/s all nodes together counted in the burst, with one node and with two (PostgreSQL). */
  oneNodeBurstMsgPerSec: number;
  twoNodesBurstMsgPerSec: number;
  /** Busy cores of the machine, and of the broker, in the two-node burst. */
  burstMachineCores: number;
  burstBrokerCores: number;
  provinceMsgPerSec: number;
  provinceNodes: number;
}

const max = (values: number[]) => {
  const finite = values.filter(Number.isFinite);
  return finite.length > 0 ? Math.max(...finite) : Number.NaN;
};
const total = (w: WindowFigures | null | undefined) =>
  w ? round(w.nodes.reduce((sum, n) => sum + n.msgPerSec, 0)) : Number.NaN;

export function sizing(report: ClusterReport): Sizing {
  const hallwatch = report.runs.filter((r) => r.latency !== null);
  const onPostgres = hallwatch.filter((r) => r.run.includes("PostgreSQL"));
  const sized = onPostgres.length > 0 ? onPostgres : hallwatch;
  const nodeUsPerMsg = max(sized.flatMap((r) => r.burst?.nodes.map((n) => n.cpuUsPerMsg) ?? []));
  const brokerUsPerMsg = max(report.runs.map((r) => r.burst?.brokerUsPerMsg ?? Number.NaN));
  const postgresUsPerMsg = max(onPostgres.map((r) => r.burst?.postgresUsPerMsg ?? Number.NaN));
  const one = onPostgres.find((r) => r.steady.nodes.length === 1);
  const two = onPostgres.find((r) => r.steady.nodes.length === 2);
  const planned = (1e6 / nodeUsPerMsg) * PLANNED_CORE_SHARE;
  const provinceMsgPerSec = PROVINCE_HALLS * HALL_MSG_PER_SEC;
  return {
    nodeUsPerMsg: round(nodeUsPerMsg, 1),
    steadyNodeUsPerMsg: round(max(sized.flatMap((r) => r.steady.nodes.map((n) => n.cpuUsPerMsg))), 1),
    nodeCapacityMsgPerSec: round(1e6 / nodeUsPerMsg),
    plannedMsgPerSec: round(planned),
    hallsPerNode: Math.floor(planned / HALL_MSG_PER_SEC),
    brokerUsPerMsg: round(brokerUsPerMsg, 1),
    brokerCapacityMsgPerSec: round(1e6 / brokerUsPerMsg),
    postgresUsPerMsg: round(postgresUsPerMsg, 1),
    provincePostgresCores: round((provinceMsgPerSec * postgresUsPerMsg) / 1e6, 2),
    oneNodeBurstMsgPerSec: total(one?.burst),
    twoNodesBurstMsgPerSec: total(two?.burst),
    burstMachineCores: two?.burst?.machineCores ?? Number.NaN,
    burstBrokerCores: two?.burst?.brokerCores ?? Number.NaN,
    provinceMsgPerSec,
    // One node more than the load needs, so that losing any one leaves enough.
    provinceNodes: Math.ceil(provinceMsgPerSec / planned) + 1,
  };
}

/** What limited the two-node burst: the broker's one thread, or the machine's cores (and who used them). */
export function limit(report: ClusterReport, s: Sizing): string {
  if (s.burstBrokerCores >= 0.85)
    return `the broker: Mosquitto used ${s.burstBrokerCores} of its one thread in the two-node burst`;
  if (s.burstMachineCores >= report.cpus * 0.85)
    return `the ${report.cpus} cores themselves (${s.burstMachineCores} busy in the two-node burst, shared by broker, publisher, nodes, PostgreSQL and other work): no single process was saturated, so a second node on the same cores adds little; on their own cores nodes add capacity until the broker's thread (≈ ${s.brokerCapacityMsgPerSec} msg/s) is full`;
  return `neither the broker (${s.burstBrokerCores} of a core) nor the machine (${s.burstMachineCores} of ${report.cpus} cores) was saturated in the two-node burst: the publisher's window bounded the rate`;
}

/** What the figures say, in a few lines: the limit on this machine, and the capacity per node for sizing. */
export function interpretation(report: ClusterReport, s: Sizing = sizing(report)): string[] {
  const bare = report.runs.find((r) => r.latency === null)?.burst?.nodes[0];
  return [
    `Offered: ${report.ratePerSec} msg/s of telemetry from ${report.halls} halls × ${report.devicesPerHall} devices (${report.windowSec} s per steady window), then bursts of ${report.burstMessages}, on ${report.cpus} cores shared with other work.`,
    `Burst msg/s counted by Hallwatch on PostgreSQL: one node ${s.oneNodeBurstMsgPerSec}, two nodes ${s.twoNodesBurstMsgPerSec} together${bare ? `; the bare MQTT.js subscriber ${bare.msgPerSec}` : ""}.`,
    `CPU per message in the bursts: broker ${s.brokerUsPerMsg} µs, Hallwatch node ${s.nodeUsPerMsg} µs (the costliest on PostgreSQL; ${s.steadyNodeUsPerMsg} µs at the fixed rate, where messages come one by one)${bare ? `, bare subscriber ${bare.cpuUsPerMsg} µs` : ""}.`,
    `PostgreSQL spent ${s.postgresUsPerMsg} µs per message in the bursts (the nodes write device state in batched flushes), ≈ ${s.provincePostgresCores} cores for the province below.`,
    `The limit here is ${limit(report, s)}.`,
    `Per node: one core takes ≈ ${s.nodeCapacityMsgPerSec} msg/s; planned at ${PLANNED_CORE_SHARE * 100} % of a core, ${s.plannedMsgPerSec} msg/s. One Mosquitto thread takes ≈ ${s.brokerCapacityMsgPerSec} msg/s.`,
    `Sizing: a hall of ${HALL_DEVICES} devices reporting every ${REPORT_INTERVAL_SEC} s sends ${HALL_MSG_PER_SEC} msg/s, so a node takes ≈ ${s.hallsPerNode} halls. A province of ${PROVINCE_HALLS} halls sends ${s.provinceMsgPerSec} msg/s: ${s.provinceNodes} ingest nodes (one spare), and a broker tier for ${s.provinceMsgPerSec} msg/s (${s.provinceMsgPerSec > s.brokerCapacityMsgPerSec * PLANNED_CORE_SHARE ? "more than half of one Mosquitto thread: an EMQX cluster" : "within half of one Mosquitto thread"}).`,
    "These are CPU ratios on a shared 2-core machine, not absolutes: other work competes (see other cores), and a node's µs/msg includes its fixed work (ticks, flushes, the API), so the sizing errs safe.",
  ];
}

/** The short summary run.ts prints as its table. */
export function summaryFigures(s: Sizing): Record<string, number | string> {
  return {
    "burst msg/s, 1 node (PostgreSQL)": s.oneNodeBurstMsgPerSec,
    "burst msg/s, 2 nodes (PostgreSQL)": s.twoNodesBurstMsgPerSec,
    "node CPU µs/msg (burst · steady)": `${s.nodeUsPerMsg} · ${s.steadyNodeUsPerMsg}`,
    "node capacity msg/s (1 core)": s.nodeCapacityMsgPerSec,
    [`halls per node (${HALL_MSG_PER_SEC} msg/s each, ${PLANNED_CORE_SHARE * 100} % core)`]: s.hallsPerNode,
    "broker CPU µs/msg (burst)": s.brokerUsPerMsg,
    "postgres CPU µs/msg (burst)": s.postgresUsPerMsg,
    "broker capacity msg/s (1 thread)": s.brokerCapacityMsgPerSec,
    [`nodes for ${PROVINCE_HALLS} halls`]: s.provinceNodes,
  };
}
