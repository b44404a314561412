// The peer: Node-RED 4 run headless (no editor, no admin API, no HTTP nodes) in its own process, with the flow
// MQTT in → JSON → validate + thresholds (function) → InfluxDB out, on the same broker and stream as the
// aggregator. Counters live in the function nodes' global context (an object we hand Node-RED), read over IPC.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { topics } from "../../src/contract/index.js";
import { ConsumerWindow, settledMemory } from "./consumer-window.js";
import { serveParent, tellParent } from "./ipc.js";
import type { NodeRedSink } from "./load-phases.js";
import { BENCH_PASSWORD } from "./load-scenario.js";

interface NodeRed {
  init(server: unknown, settings: Record<string, unknown>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const [mqttUrl = "", influxUrl = "", database = "nodered", sinkArg = "each", qosArg = "1"] =
  process.argv.slice(2);
const sink = sinkArg as NodeRedSink;
const mqtt = new URL(mqttUrl);
const source = (name: string) => readFileSync(new URL(`./node-red/${name}`, import.meta.url), "utf8");

const window = new ConsumerWindow();
const bench = {
  kinds: new Map<string, string>(),
  active: new Map<string, string>(),
  births: 0,
  invalid: 0,
  unknownDevice: 0,
  faultChanges: 0,
  written: 0,
  /** `written` when the current measuring window began (bursts are counted per window). */
  writtenBefore: 0,
  writeErrors: 0,
  lastWrittenMs: Number.NaN,
  hit: () => window.hit(),
  wrote(points: number) {
    this.written += points;
    this.lastWrittenMs = performance.timeOrigin + performance.now();
  },
};

function flow(): object[] {
  const z = "hallwatch";
  const toSink = sink === "batch" ? "join" : sink === "each" ? "influx" : "count";
  const nodes: object[] = [
    { id: z, type: "tab", label: "Hallwatch peer" },
    {
      id: "broker",
      type: "mqtt-broker",
      name: "bench",
      broker: mqtt.hostname,
      port: mqtt.port,
      clientid: "_nodered-bench",
      autoConnect: true,
      usetls: false,
      protocolVersion: "4",
      keepalive: "60",
      cleansession: true,
    },
    {
      id: "births",
      type: "mqtt in",
      z,
      topic: topics.birth("+", "+"),
      qos: "1",
      datatype: "utf8",
      broker: "broker",
      nl: false,
      rap: false,
      inputs: 0,
      wires: [["birthJson"]],
    },
    {
      id: "birthJson",
      type: "json",
      z,
      property: "payload",
      action: "obj",
      pretty: false,
      wires: [["learn"]],
    },
    {
      id: "learn",
      type: "function",
      z,
      name: "learn births",
      func: source("learn-birth.fn"),
      outputs: 0,
      wires: [],
    },
    {
      id: "telemetry",
      type: "mqtt in",
      z,
      topic: topics.telemetry("+", "+", "+"),
      qos: qosArg,
      datatype: "utf8",
      broker: "broker",
      nl: false,
      rap: false,
      inputs: 0,
      wires: [["json"]],
    },
    { id: "json", type: "json", z, property: "payload", action: "obj", pretty: false, wires: [["check"]] },
    {
      id: "check",
      type: "function",
      z,
      name: "validate + thresholds",
      func: source("check-telemetry.fn"),
      outputs: 1,
      wires: [[toSink]],
    },
  ];
  if (sink === "none") {
    nodes.push({
      id: "count",
      type: "function",
      z,
      name: "count",
      func: 'global.get("bench").wrote(1); return null;',
      outputs: 0,
      wires: [],
    });
    return nodes;
  }
  const influx = new URL(influxUrl);
  nodes.push(
    {
      id: "influxConfig", // not "influxdb": Node-RED takes a config node whose id is a type name as circular
      type: "influxdb",
      hostname: influx.hostname,
      port: influx.port,
      protocol: "http",
      database,
      name: "bench",
      usetls: false,
      influxdbVersion: "1.x",
    },
    {
      id: "influx",
      type: "influxdb out",
      z,
      influxdb: "influxConfig",
      name: "telemetry",
      measurement: "telemetry",
      precision: "u",
      retentionPolicy: "",
      wires: [],
    },
    { id: "done", type: "complete", z, scope: ["influx"], uncaught: false, wires: [["written"]] },
    {
      id: "written",
      type: "function",
      z,
      name: "count written",
      func: 'global.get("bench").wrote(Array.isArray(msg.payload[0]) ? msg.payload.length : 1); return null;',
      outputs: 0,
      wires: [],
    },
    { id: "failed", type: "catch", z, scope: ["influx"], uncaught: false, wires: [["failures"]] },
    {
      id: "failures",
      type: "function",
      z,
      name: "count failures",
      func: 'global.get("bench").writeErrors += 1; return null;',
      outputs: 0,
      wires: [],
    },
  );
  if (sink === "batch") {
    nodes.push({
      id: "join",
      type: "join",
      z,
      mode: "custom",
      build: "array",
      property: "payload",
      propertyType: "msg",
      key: "topic",
      joiner: "\\n",
      joinerType: "str",
      accumulate: false,
      timeout: "1",
      count: "1000",
      reduceRight: false,
      wires: [["influx"]],
    });
  }
  return nodes;
}

/** Node-RED tells flow nodes from config nodes by their position on the canvas. */
const placed = (nodes: object[]) =>
  nodes.map((node, i) =>
    "z" in node ? { x: 120 + (i % 6) * 160, y: 80 + Math.floor(i / 6) * 80, ...node } : node,
  );

const userDir = mkdtempSync(join(tmpdir(), "hallwatch-nodered-"));
writeFileSync(join(userDir, "flows.json"), JSON.stringify(placed(flow())));
writeFileSync(
  join(userDir, "flows_cred.json"),
  JSON.stringify({ broker: { user: "_nodered", password: BENCH_PASSWORD } }),
);
const RED = createRequire(import.meta.url)("node-red") as NodeRed;
RED.init(createServer(), {
  userDir,
  flowFile: "flows.json",
  credentialSecret: false,
  httpAdminRoot: false,
  httpNodeRoot: false,
  disableEditor: true,
  functionGlobalContext: { bench },
  logging: { console: { level: process.env.BENCH_NODE_RED_LOG ?? "error", metrics: false, audit: false } },
  telemetry: { enabled: false },
  diagnostics: { enabled: false },
  runtimeState: { enabled: false },
  externalModules: { autoInstall: false, palette: { allowInstall: false } },
});
await RED.start();

const counters = () => ({
  births: bench.births,
  invalid: bench.invalid,
  unknownDevice: bench.unknownDevice,
  faultChanges: bench.faultChanges,
  written: bench.written - bench.writtenBefore,
  writeErrors: bench.writeErrors,
  lastWrittenMs: bench.lastWrittenMs,
});
serveParent({
  window: () => {
    window.reset();
    bench.writtenBefore = bench.written;
    bench.lastWrittenMs = Number.NaN;
    tellParent({ type: "window" });
  },
  stats: () => tellParent({ type: "stats", ...window.snapshot(), ...counters() }),
  memory: () => tellParent({ type: "memory", ...settledMemory() }),
  stop: async () => {
    await RED.stop();
    rmSync(userDir, { recursive: true, force: true });
    process.exit(0);
  },
});
tellParent({ type: "ready" });
