// Command line of the load harness: flags → options, then the run, its summary and its files.
//   npm run bench -- load [--quick] [--halls 1,100,1000,4000] [--messages 100000] [--repeat 2] [--generators 2]
//     [--fault-share 0.002] [--qos 1] [--latency-rate 10000] [--samples 200] [--node-red each,batch|none|off]
//     [--node-red-messages 50000] [--durable on|off] [--steady-seconds 60] [--attribute largest|all|off|1,100]
//     [--out DIR]   (writes results.json, results.md and the SVG charts there)
//   npm run bench -- load --from DIR/results.json   (tables and charts of an earlier run, rewritten in DIR)
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { NodeRedSink } from "./lib/load-phases.js";
import { renderCharts, renderTable, summary } from "./lib/load-report.js";
import { benchLoad, type LoadOptions, type LoadReport } from "./load.js";

export function parseLoadArgs(
  args: readonly string[],
  quickFromEnv: boolean,
): LoadOptions & { out: string | null } {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith("--")) continue;
    const next = args[i + 1];
    if (next === undefined || next.startsWith("--")) flags.set(arg.slice(2), "true");
    else {
      flags.set(arg.slice(2), next);
      i += 1;
    }
  }
  const quick = flags.has("quick") || quickFromEnv;
  const num = (key: string, fallback: number) => {
    const value = Number(flags.get(key) ?? fallback);
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${key} must be a non-negative number`);
    return value;
  };
  const halls = (flags.get("halls") ?? (quick ? "5" : "1,100,1000,4000,10000")).split(",").map(Number);
  if (halls.some((h) => !Number.isInteger(h) || h < 1))
    throw new Error("--halls takes hall counts such as 1,100,1000");
  const nodeRedFlag = flags.get("node-red") ?? (quick ? "batch" : "each,batch");
  const nodeRed = nodeRedFlag === "off" ? [] : (nodeRedFlag.split(",") as NodeRedSink[]);
  if (nodeRed.some((sink) => !["each", "batch", "none"].includes(sink)))
    throw new Error("--node-red takes each, batch and/or none (comma-separated), or off");
  const durable = flags.get("durable") ?? "on";
  if (durable !== "on" && durable !== "off") throw new Error("--durable takes on or off");
  const attribute = flags.get("attribute") ?? "largest";
  const attributeHalls =
    attribute === "off"
      ? []
      : attribute === "all"
        ? halls
        : attribute === "largest"
          ? [Math.max(...halls)]
          : attribute.split(",").map(Number);
  if (attributeHalls.some((h) => !halls.includes(h)))
    throw new Error("--attribute takes largest, all, off, or hall counts of --halls");
  return {
    quick,
    halls,
    messages: num("messages", quick ? 2000 : 100_000),
    repeats: num("repeat", quick ? 1 : 2),
    generators: num("generators", 2),
    faultShare: num("fault-share", 0.002),
    qos: num("qos", 1) === 0 ? 0 : 1,
    window: num("window", 4000),
    seed: num("seed", 42),
    latencyRate: num("latency-rate", quick ? 300 : 10_000),
    latencySamples: num("samples", quick ? 10 : 200),
    nodeRed,
    nodeRedMessages: num("node-red-messages", quick ? 2000 : 50_000),
    durable: durable === "on",
    attributeHalls,
    steadySeconds: num("steady-seconds", quick ? 5 : 60),
    out: flags.get("out") ?? null,
  };
}

/** Indented JSON with short arrays of plain values on one line, as the project's formatter (Biome) writes it. */
export function toJson(value: unknown): string {
  const json = JSON.stringify(value, null, 2).replace(
    /\[\n\s+([^[\]{}]*?)\n\s*\]/g,
    (whole, inner: string) => {
      const line = `[${inner.split(/,\n\s+/).join(", ")}]`;
      return line.length <= 80 ? line : whole;
    },
  );
  return `${json}\n`;
}

/** `--from results.json`: no run, only the tables and charts of an earlier one, written next to it. */
function rerender(file: string): Record<string, string | number> {
  const report = JSON.parse(readFileSync(file, "utf8")) as LoadReport;
  const out = dirname(file);
  writeFileSync(join(out, "results.md"), `${renderTable(report)}\n`);
  for (const [name, svg] of Object.entries(renderCharts(report))) writeFileSync(join(out, name), svg);
  console.log(renderTable(report));
  return summary(report);
}

export async function runLoadCli(
  args: readonly string[],
  quickFromEnv: boolean,
): Promise<Record<string, string | number>> {
  const from = args.indexOf("--from");
  if (from >= 0 && args[from + 1]) return rerender(args[from + 1] as string);
  const { out, ...options } = parseLoadArgs(args, quickFromEnv);
  const report: LoadReport = await benchLoad(options);
  console.log(`\n${renderTable(report)}`);
  if (out) {
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "results.json"), toJson(report));
    writeFileSync(join(out, "results.md"), `${renderTable(report)}\n`);
    for (const [name, svg] of Object.entries(renderCharts(report))) writeFileSync(join(out, name), svg);
    console.log(`wrote ${out}/results.json, results.md and charts`);
  }
  return summary(report);
}
