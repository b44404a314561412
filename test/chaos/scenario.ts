import { sleep } from "../helpers/wait.js";
import { ChaosHarness } from "./harness.js";

export interface ChaosPlan {
  agents: number;
  devicesPerAgent: number;
  /** Quiet time before, between and after the outages. */
  settleMs: number;
  /** How long the broker (Mosquitto) is stopped. */
  brokerOutageMs: number;
  /** How long influxd is stopped; the third SIGKILL of the aggregator falls in it. */
  influxOutageMs: number;
  log?: (line: string) => void;
}

export interface ChaosResult {
  generated: number;
  stored: number;
  missing: string[];
  extra: string[];
  duplicated: number;
  alerts: { device_id: string | null; fault_type: string; status: string; count: number }[];
  offline: string[];
  timeline: string[];
}

export const JAMMED_DEVICE = "chaos-agent-1-k1";

/**
 * The chaos scenario of issue 12: agents in their own processes count every telemetry message; the aggregator
 * is SIGKILLed three times, the broker is stopped, influxd is stopped; then every agent drains its spool and the
 * messages are compared with InfluxDB, the alerts and the device states with what should be.
 */
export async function runChaos(plan: ChaosPlan): Promise<ChaosResult> {
  const agentIds = Array.from({ length: plan.agents }, (_, i) => `chaos-agent-${i + 1}`);
  const h = new ChaosHarness(agentIds, plan.devicesPerAgent, JAMMED_DEVICE);
  const say = (line: string) => {
    h.note(line);
    plan.log?.(`${new Date().toISOString()} ${line} (generated so far: ${h.generatedCount})`);
  };
  try {
    await h.setUp();
    await h.startAggregator();
    h.startAgents();
    // Agents take a few seconds to start (tsx): the first SIGKILL must find them publishing.
    const deadline = Date.now() + 60_000;
    while (h.generatedCount === 0 && Date.now() < deadline) await sleep(200);
    await sleep(plan.settleMs);

    say("SIGKILL aggregator (1)");
    await h.killAggregator();
    await h.startAggregator();
    await sleep(plan.settleMs);

    say(`broker stopped for ${plan.brokerOutageMs} ms`);
    await h.broker.stopBroker();
    await sleep(plan.brokerOutageMs);
    await h.broker.start();
    say("broker back");
    await sleep(plan.settleMs);

    say("SIGKILL aggregator (2)");
    await h.killAggregator();
    await h.startAggregator();
    await sleep(plan.settleMs);

    say(`influxd stopped for ${plan.influxOutageMs} ms`);
    await h.influxd.kill();
    const influxBackAt = Date.now() + plan.influxOutageMs;
    await sleep(plan.influxOutageMs / 2);
    say("SIGKILL aggregator (3), influxd still down");
    await h.killAggregator();
    await h.startAggregator();
    await sleep(Math.max(0, influxBackAt - Date.now()));
    await h.influxd.restart();
    say("influxd back");
    await sleep(plan.settleMs);

    say("agents stop generating and drain");
    await h.drainAgents(120_000);
    await h.waitForStored(120_000);
    say("compared");
    const { missing, extra, duplicated } = await h.compare();
    const stored = (await h.stored()).rows;
    return {
      generated: h.generatedCount,
      stored,
      missing,
      extra,
      duplicated,
      alerts: h.alerts(),
      offline: await h.offlineTransitions(),
      timeline: h.timeline,
    };
  } finally {
    await h.tearDown();
  }
}
