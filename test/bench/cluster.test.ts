// `npm run bench -- cluster` needs PostgreSQL, Mosquitto and three node processes, too long for CI's bench smoke
// runs; its reading of the figures (the tables, the sizing, the lines that say what limits) is checked here on a
// sample of the numbers it measured.
import { describe, expect, it } from "vitest";
import {
  type ClusterReport,
  clusterRows,
  interpretation,
  limit,
  type NodeFigures,
  sizing,
  summaryFigures,
  type WindowFigures,
} from "../../bench/lib/cluster-report.js";

const node = (name: string, halls: number, msgPerSec: number, cpuUsPerMsg: number): NodeFigures => ({
  node: name,
  halls,
  msgPerSec,
  cores: (msgPerSec * cpuUsPerMsg) / 1e6,
  cpuUsPerMsg,
});

const window = (nodes: NodeFigures[], over: Partial<WindowFigures> = {}): WindowFigures => ({
  nodes,
  publishedMsgPerSec: 2000,
  brokerCores: 0.12,
  brokerUsPerMsg: 60,
  postgresCores: Number.NaN,
  postgresUsPerMsg: Number.NaN,
  publisherCores: 0.15,
  machineCores: 1.95,
  otherCores: 1.4,
  ...over,
});

const pg = { postgresCores: 0.03, postgresUsPerMsg: 4 };

const sample: ClusterReport = {
  halls: 40,
  devicesPerHall: 26,
  ratePerSec: 2000,
  windowSec: 12,
  burstMessages: 40_000,
  cpus: 2,
  runs: [
    {
      run: "bare MQTT.js subscriber",
      steady: window([node("bare", 40, 2000, 52)]),
      burst: window([node("bare", 40, 11_000, 15)], { brokerUsPerMsg: 36, machineCores: 2 }),
      latency: null,
    },
    {
      run: "1 node, SQLite",
      steady: window([node("sqlite", 41, 2000, 119)]),
      burst: window([node("sqlite", 41, 10_000, 36)], { brokerUsPerMsg: 29, machineCores: 2 }),
      latency: { p50Ms: 4.7, p99Ms: 99, samples: 80, missing: 0 },
    },
    {
      run: "1 node, PostgreSQL (shared)",
      steady: window([node("node1", 41, 2000, 104)], pg),
      burst: window([node("node1", 41, 8400, 31)], { ...pg, brokerUsPerMsg: 43, machineCores: 2 }),
      latency: { p50Ms: 5, p99Ms: 30, samples: 80, missing: 0 },
    },
    {
      run: "2 nodes, PostgreSQL (shared)",
      steady: window([node("node1", 21, 1000, 128), node("node2", 20, 1000, 180)], pg),
      burst: window([node("node1", 21, 4000, 35), node("node2", 20, 3800, 50)], {
        ...pg,
        brokerUsPerMsg: 42,
        brokerCores: 0.33,
        machineCores: 2,
      }),
      latency: { p50Ms: 4, p99Ms: 23, samples: 79, missing: 1 },
    },
  ],
};

describe("cluster bench figures", () => {
  it("lays out one row per node, the run's figures on its first row only", () => {
    const steady = clusterRows(sample, "steady");
    expect(steady).toHaveLength(5);
    expect(steady[0]).toMatchObject({ run: "bare MQTT.js subscriber", "msg/s": 2000, "alert p50 ms": "" });
    expect(steady[3]).toMatchObject({ run: "2 nodes, PostgreSQL (shared)", node: "node1", samples: "79/80" });
    expect(steady[4]).toMatchObject({ run: "", node: "node2", "broker µs/msg": "", "alert p99 ms": "" });
    expect(steady[2]).toMatchObject({ "postgres µs/msg": 4 });
    expect(steady[1]).toMatchObject({ "postgres µs/msg": "" });
    const burst = clusterRows(sample, "burst");
    expect(burst[4]).toMatchObject({ node: "node2", "CPU µs/msg": 50 });
    expect(burst[0]).not.toHaveProperty("alert p50 ms");
  });

  it("sizes from the costliest node on PostgreSQL in the bursts, with a spare node", () => {
    const s = sizing(sample);
    expect(s).toMatchObject({
      nodeUsPerMsg: 50,
      steadyNodeUsPerMsg: 180,
      nodeCapacityMsgPerSec: 20_000,
      plannedMsgPerSec: 10_000,
      hallsPerNode: 2000,
      brokerUsPerMsg: 43,
      postgresUsPerMsg: 4,
      oneNodeBurstMsgPerSec: 8400,
      twoNodesBurstMsgPerSec: 7800,
      provinceMsgPerSec: 10_000,
      provinceNodes: 2,
    });
    expect(summaryFigures(s)).toMatchObject({
      "nodes for 2000 halls": 2,
      "node CPU µs/msg (burst · steady)": "50 · 180",
    });
  });

  it("names what limits: the broker's thread when it is full, else the machine's cores", () => {
    expect(limit(sample, sizing(sample))).toMatch(/^the 2 cores themselves/);
    const brokerBound = structuredClone(sample);
    const two = brokerBound.runs[3]?.burst as WindowFigures;
    two.brokerCores = 0.97;
    expect(limit(brokerBound, sizing(brokerBound))).toMatch(/^the broker: Mosquitto used 0.97/);
    const lines = interpretation(sample);
    expect(lines.join("\n")).toContain("a node takes ≈ 2000 halls");
    expect(lines.join("\n")).toContain("not absolutes");
  });
});
