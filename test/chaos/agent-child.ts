// An agent in its own process for the chaos tests: kiosks with steady values, each reporting every second.
// Prints "gen <deviceId> <tsMs>" for every telemetry message it generates. On "stop" (stdin) it stops
// generating, waits until nothing is spooled or in flight, and prints "drained".
// Usage: node --import tsx test/chaos/agent-child.ts '<json: brokerUrl, hallId, agentId, password, stateDir, devices>'
import { Agent } from "../../agents/runtime/agent.js";
import type { DeviceDriver } from "../../agents/runtime/driver.js";

interface ChildArgs {
  brokerUrl: string;
  hallId: string;
  agentId: string;
  password: string;
  stateDir: string;
  devices: number;
  /** This device's printer stays jammed: one printer_jam alert, which must be neither lost nor duplicated. */
  jammedDevice?: string;
}

const args = JSON.parse(process.argv[2] ?? "{}") as ChildArgs;
let generating = true;
const drivers: DeviceDriver<"kiosk">[] = Array.from({ length: args.devices }, (_, i) => ({
  spec: {
    id: `${args.agentId}-k${i + 1}`,
    kind: "kiosk",
    model: "K",
    zone: "self-service",
    reportIntervalSec: 1,
  },
  read: () => {
    if (!generating) throw new Error("stopped generating");
    const printerState = `${args.agentId}-k${i + 1}` === args.jammedDevice ? "jam" : "ok";
    return { appOk: true, printerState, paperPct: 80, cpuPct: 12, memPct: 40, diskPct: 55 };
  },
}));
const agent = new Agent({
  brokerUrl: args.brokerUrl,
  hallId: args.hallId,
  agentId: args.agentId,
  password: args.password,
  stateDir: args.stateDir,
  drivers,
  sampleIntervalMs: 100,
  reconnect: { initialDelayMs: 200, maxDelayMs: 1000 },
  keepaliveSec: 5,
  onGenerated: (message) => {
    if (!message.topic.includes("/telemetry/")) return;
    process.stdout.write(`gen ${message.topic.split("/").at(-1)} ${message.tsMs}\n`);
  },
});
agent.start();

process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  if (!String(chunk).includes("stop")) return;
  generating = false;
  const timer = setInterval(() => {
    if (agent.spooledMessages === 0 && agent.inFlightMessages === 0 && agent.isConnected) {
      clearInterval(timer);
      process.stdout.write(`drained ${agent.published}\n`);
    }
  }, 100);
});
