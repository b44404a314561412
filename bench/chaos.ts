// `npm run bench -- chaos`: the long chaos scenario of issue 12 (test/chaos/scenario.ts): agents in their own
// processes, the aggregator SIGKILLed three times, Mosquitto stopped for 60 s, influxd for 90 s. Prints what was
// generated, stored, missing, duplicated, the alerts and the offline transitions. Needs mosquitto and influxd.
import { runChaos } from "../test/chaos/scenario.js";

export async function benchChaos(options: {
  agents: number;
  devicesPerAgent: number;
  settleSec: number;
  brokerOutageSec: number;
  influxOutageSec: number;
}): Promise<Record<string, number | string>> {
  const result = await runChaos({
    agents: options.agents,
    devicesPerAgent: options.devicesPerAgent,
    settleMs: options.settleSec * 1000,
    brokerOutageMs: options.brokerOutageSec * 1000,
    influxOutageMs: options.influxOutageSec * 1000,
    log: (line) => console.log(line),
  });
  for (const m of result.missing.slice(0, 20)) console.log(`missing ${m}`);
  for (const a of result.alerts) console.log(`alert ${a.fault_type} ${a.device_id ?? "-"} ${a.status}`);
  for (const o of result.offline) console.log(`offline ${o}`);
  return {
    "messages generated": result.generated,
    "points stored": result.stored,
    missing: result.missing.length,
    "stored twice": result.duplicated,
    "stored, never generated": result.extra.length,
    alerts: result.alerts.length,
    "alerts printer_jam": result.alerts.filter((a) => a.fault_type === "printer_jam").length,
    "offline transitions": result.offline.length,
    verdict:
      result.missing.length === 0 &&
      result.duplicated === 0 &&
      result.extra.length === 0 &&
      result.offline.length === 0 &&
      result.alerts.length === 1
        ? "pass"
        : "FAIL",
  };
}
