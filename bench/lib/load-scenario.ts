// What the load harness sends: N halls laid out like the demo hall (26 devices of every kind), each hosted by
// one hall agent, with telemetry values drawn from the simulator's drivers and a share of them faulty.
import { createSimDriver, SIM_FAULTS } from "../../agents/drivers/sim/index.js";
import type { DeviceSpec } from "../../agents/runtime/driver.js";
import { demoHallLayout } from "../../agents/simulator/layout.js";
import { type DeviceKind, topics } from "../../src/contract/index.js";

export const BENCH_SESSION = 1;
/** Every bench principal's password; the bench broker knows it under one cheap hash. */
export const BENCH_PASSWORD = "bench-secret";
/** The hall whose agent the latency probe plays; it never carries background load. */
export const PROBE_HALL = "probe-hall";
export const PROBE_AGENT = "probe-hall-gw";
export const PROBE_DEVICES = 400;

export const hallIdOf = (index: number) => `hall-${String(index + 1).padStart(4, "0")}`;
export const agentIdOf = (hallId: string) => `${hallId}-gw`;
/** The broker's credential lookup maps an agent back to its hall this way. */
export const hallOfAgent = (agentId: string) => (agentId.endsWith("-gw") ? agentId.slice(0, -3) : null);

/** The 26 devices of a demo hall (kiosks, chargers, TVs, queue machines, the gateway and its fire sensors). */
export function hallDevices(hallId: string): DeviceSpec[] {
  return demoHallLayout(hallId).agents.flatMap((a) => a.devices);
}

export const DEVICES_PER_HALL = hallDevices("hall-0001").length;

/** A hall's realistic telemetry rate: each device once per its report interval (mains 10 s, sensors 15 min). */
export const STEADY_MSG_PER_SEC_PER_HALL = hallDevices("hall-0001").reduce(
  (rate, d) => rate + 1 / d.reportIntervalSec,
  0,
);

export function birthPayload(hallId: string, devices: readonly DeviceSpec[] = hallDevices(hallId)): string {
  return JSON.stringify({
    v: 1,
    session: BENCH_SESSION,
    seq: 0,
    tsMs: Date.now(),
    agent: { id: agentIdOf(hallId), version: "bench" },
    devices: devices.map((d) => ({
      id: d.id,
      kind: d.kind,
      model: d.model,
      zone: d.zone,
      reportIntervalSec: d.reportIntervalSec,
    })),
  });
}

/** Pre-serialised `values` per kind: some normal readings, and one per simulated fault. */
export interface ValuePools {
  normal: Record<DeviceKind, string[]>;
  faulty: Record<DeviceKind, string[]>;
}

export function buildValuePools(seed = 7, variants = 8): ValuePools {
  const normal = {} as Record<DeviceKind, string[]>;
  const faulty = {} as Record<DeviceKind, string[]>;
  const t0 = Date.UTC(2026, 10, 23, 10);
  for (const spec of hallDevices("pool")) {
    if (normal[spec.kind]) continue;
    const driver = createSimDriver(spec, seed, { sensorsExpected: 10 });
    normal[spec.kind] = Array.from({ length: variants }, (_, i) =>
      JSON.stringify(driver.read(t0 + i * 10_000)),
    );
    faulty[spec.kind] = SIM_FAULTS[spec.kind].map((fault) => {
      driver.inject(fault);
      const values = JSON.stringify(driver.read(t0 + 100_000));
      driver.clear(fault);
      return values;
    });
  }
  return { normal, faulty };
}

export function telemetryPayload(seq: number, tsMs: number, valuesJson: string): string {
  return `{"v":1,"session":${BENCH_SESSION},"seq":${seq},"tsMs":${tsMs},"values":${valuesJson}}`;
}

/**
 * One hall's stream: devices in turn, each message's values normal or, with probability `faultShare`,
 * one of its kind's faults. Deterministic for a seed, so every consumer of a scenario gets the same stream.
 */
export class HallStream {
  readonly hallId: string;
  readonly agentId: string;
  private readonly devices: DeviceSpec[];
  private readonly telemetryTopics: string[];
  private next = 0;
  private seq = 0;
  faults = 0;

  constructor(
    index: number,
    private readonly pools: ValuePools,
    private readonly faultShare: number,
    private readonly random: () => number,
  ) {
    this.hallId = hallIdOf(index);
    this.agentId = agentIdOf(this.hallId);
    this.devices = hallDevices(this.hallId);
    this.telemetryTopics = this.devices.map((d) => topics.telemetry(this.hallId, this.agentId, d.id));
  }

  birth(): { topic: string; payload: string } {
    return {
      topic: topics.birth(this.hallId, this.agentId),
      payload: birthPayload(this.hallId, this.devices),
    };
  }

  /** The next telemetry message of this hall (seq increases by one per message, as a real agent's does). */
  nextTelemetry(nowMs: number): { topic: string; payload: string } {
    const i = this.next;
    this.next = (i + 1) % this.devices.length;
    const kind = (this.devices[i] as DeviceSpec).kind;
    let values: string;
    if (this.faultShare > 0 && this.random() < this.faultShare) {
      const pool = this.pools.faulty[kind];
      values = pool[Math.floor(this.random() * pool.length)] as string;
      this.faults += 1;
    } else {
      const pool = this.pools.normal[kind];
      values = pool[this.seq % pool.length] as string;
    }
    this.seq += 1;
    return { topic: this.telemetryTopics[i] as string, payload: telemetryPayload(this.seq, nowMs, values) };
  }
}
