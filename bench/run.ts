// Benchmarks print figures; they never pass or fail on timing. Usage: npm run bench -- <name> [--flag value]
import { benchAlertLatency } from "./alert-latency.js";
import { benchIngest } from "./ingest.js";
import { runLoadCli } from "./load-cli.js";
import { benchUptime } from "./uptime.js";

const [name = "ingest", ...rest] = process.argv.slice(2);
const flags = new Map<string, string>();
for (let i = 0; i < rest.length; i++) {
  const key = (rest[i] ?? "").replace(/^--/, "");
  const next = rest[i + 1];
  // A flag followed by another flag (or nothing) stands alone: `--quick --halls 10`.
  if (next === undefined || next.startsWith("--")) flags.set(key, "");
  else {
    flags.set(key, next);
    i += 1;
  }
}
const num = (key: string, fallback: number) => Number(flags.get(key) ?? fallback);
const quick = flags.has("quick") || process.env.CI === "true";

const benches: Record<string, () => Promise<Record<string, number | string>>> = {
  ingest: () =>
    benchIngest({
      halls: num("halls", 20),
      devices: num("devices", 50),
      messages: num("messages", quick ? 10_000 : 100_000),
      qos: num("qos", 1) as 0 | 1,
    }),
  "alert-latency": () =>
    benchAlertLatency({
      halls: num("halls", 20),
      devices: num("devices", 50),
      ratePerSec: num("rate", quick ? 1000 : 5000),
      samples: num("samples", quick ? 30 : 200),
    }),
  load: () => runLoadCli(rest, quick),
  cluster: async () =>
    (await import("./cluster.js")).benchCluster({
      halls: num("halls", quick ? 20 : 40),
      ratePerSec: num("rate", quick ? 1000 : 2000),
      windowSec: num("window", quick ? 3 : 12),
      samples: num("samples", quick ? 30 : 80),
      gapMs: num("gap", 100),
      burstMessages: num("burst", quick ? 10_000 : 40_000),
    }),
  uptime: () => benchUptime({ devices: num("devices", quick ? 1000 : 10_000), days: num("days", 30) }),
  chaos: async () =>
    (await import("./chaos.js")).benchChaos({
      agents: num("agents", 3),
      devicesPerAgent: num("devices", 10),
      settleSec: num("settle", quick ? 3 : 10),
      brokerOutageSec: num("broker-outage", quick ? 5 : 60),
      influxOutageSec: num("influx-outage", quick ? 6 : 90),
    }),
  "influx-sink": async () =>
    (await import("./influx-sink.js")).benchInfluxSink({
      points: num("points", quick ? 20_000 : 200_000),
      devices: num("devices", 500),
      rounds: num("rounds", quick ? 1 : 3),
    }),
};

const bench = benches[name];
if (!bench) {
  console.error(`unknown benchmark "${name}"; known: ${Object.keys(benches).join(", ")}`);
  process.exit(2);
}
const figures = await bench();
console.log(`\n${name}`);
console.table(figures);
process.exit(0);
