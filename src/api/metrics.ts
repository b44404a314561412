import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { Aggregator } from "../aggregator/aggregator.js";

export interface BrokerStatsSource {
  stats(): Record<string, number>;
}

export type MetricsRegistry = Registry;

/**
 * Prometheus metrics read from the aggregator's own counters at scrape time, so the hot path only
 * increments plain numbers.
 */
export function createMetrics(aggregator: Aggregator, broker: BrokerStatsSource | null): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "hallwatch_" });
  const monotonic = (counter: Counter<string>, labels: Record<string, string>, value: number) => {
    const key = JSON.stringify(labels);
    const previous = seen.get(counter)?.get(key) ?? 0;
    if (value > previous) counter.inc(labels, value - previous);
    if (!seen.has(counter)) seen.set(counter, new Map());
    seen.get(counter)?.set(key, Math.max(previous, value));
  };
  const seen = new Map<Counter<string>, Map<string, number>>();

  new Counter({
    name: "hallwatch_messages_received_total",
    help: "MQTT messages received by the aggregator, valid or not",
    labelNames: ["type"],
    registers: [registry],
    collect() {
      const s = aggregator.stats();
      monotonic(this, { type: "all" }, s.messagesReceived);
      for (const [type, n] of Object.entries(s.messagesByType)) monotonic(this, { type }, n);
    },
  });
  new Counter({
    name: "hallwatch_dead_letters_total",
    help: "Invalid messages dead-lettered, by reason",
    labelNames: ["reason"],
    registers: [registry],
    collect() {
      for (const [reason, n] of Object.entries(aggregator.stats().deadLettersByReason))
        monotonic(this, { reason }, n);
    },
  });
  new Counter({
    name: "hallwatch_messages_lost_total",
    help: "Data messages missing from agents' sequence numbers",
    registers: [registry],
    collect() {
      monotonic(this, {}, aggregator.stats().lostMessages);
    },
  });
  new Counter({
    name: "hallwatch_ingest_unlogged_total",
    help: "Messages acknowledged to the broker without being in the ingest log (lost if the process dies before the next checkpoint); kept across restarts",
    registers: [registry],
    collect() {
      monotonic(this, {}, aggregator.stats().ingestLog?.messagesUnlogged ?? 0);
    },
  });
  new Counter({
    name: "hallwatch_ingest_log_unreadable_total",
    help: "Ingest log lines found cut short or unreadable at a replay (messages lost); kept across restarts",
    registers: [registry],
    collect() {
      monotonic(this, {}, aggregator.stats().ingestLog?.logLinesUnreadable ?? 0);
    },
  });
  new Counter({
    name: "hallwatch_ingest_replayed_total",
    help: "Messages replayed from the ingest log at start (received before a crash, not yet checkpointed)",
    registers: [registry],
    collect() {
      monotonic(this, {}, aggregator.stats().ingestLog?.messagesReplayed ?? 0);
    },
  });
  new Counter({
    name: "hallwatch_clock_skewed_messages_total",
    help: "Live data messages whose agent time was off by more than the clock skew threshold",
    registers: [registry],
    collect() {
      monotonic(this, {}, aggregator.stats().clockSkewedMessages);
    },
  });
  new Counter({
    name: "hallwatch_rebirth_requests_total",
    help: "Rebirth commands sent to agents",
    registers: [registry],
    collect() {
      monotonic(this, {}, aggregator.stats().rebirthRequests);
    },
  });
  new Gauge({
    name: "hallwatch_devices",
    help: "Devices by connectivity",
    labelNames: ["connectivity"],
    registers: [registry],
    collect() {
      for (const [c, n] of Object.entries(aggregator.stats().devicesByConnectivity))
        this.set({ connectivity: c }, n);
    },
  });
  new Gauge({
    name: "hallwatch_agents",
    help: "Agents by connectivity",
    labelNames: ["connectivity"],
    registers: [registry],
    collect() {
      for (const [c, n] of Object.entries(aggregator.stats().agentsByConnectivity))
        this.set({ connectivity: c }, n);
    },
  });
  new Gauge({
    name: "hallwatch_broker_connected",
    help: "1 while the aggregator is connected to the MQTT broker",
    registers: [registry],
    collect() {
      this.set(aggregator.isBrokerConnected ? 1 : 0);
    },
  });
  if (broker) {
    new Gauge({
      name: "hallwatch_broker_stat",
      help: "Embedded broker counters (connections, refusals, throttling)",
      labelNames: ["stat"],
      registers: [registry],
      collect() {
        for (const [stat, n] of Object.entries(broker.stats())) this.set({ stat }, n);
      },
    });
  }
  return registry;
}
