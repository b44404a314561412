import type { DeviceSpec } from "../runtime/driver.js";

export interface SimAgentSpec {
  agentId: string;
  devices: DeviceSpec[];
}

export interface SimHallLayout {
  hallId: string;
  agents: SimAgentSpec[];
}

export interface LayoutOptions {
  /** Mains devices (kiosks, chargers, TVs, queue machines, gateway). */
  mainsReportIntervalSec?: number;
  /** Battery sensors on the gateway (extinguishers, hydrants). */
  sensorReportIntervalSec?: number;
}

/**
 * A realistic hall: 4 kiosks, 6 chargers, 3 TVs and 2 queue machines, each its own agent, plus the
 * hall gateway hosting itself, 8 extinguishers and 2 hydrants (26 devices, 16 agents).
 */
export function demoHallLayout(hallId: string, options: LayoutOptions = {}): SimHallLayout {
  const mains = options.mainsReportIntervalSec ?? 10;
  const sensors = options.sensorReportIntervalSec ?? 900;
  const own = (id: string, spec: Omit<DeviceSpec, "id" | "reportIntervalSec">): SimAgentSpec => ({
    agentId: `${hallId}-${id}`,
    devices: [{ id, reportIntervalSec: mains, ...spec }],
  });
  const agents: SimAgentSpec[] = [];
  for (let i = 1; i <= 4; i++) {
    agents.push(
      own(`kiosk-${i}`, { kind: "kiosk", model: "SST-2000", zone: "self-service", name: `自助终端 ${i}` }),
    );
  }
  for (let i = 1; i <= 6; i++) {
    agents.push(
      own(`charger-${i}`, { kind: "charger", model: "FC-8", zone: i <= 3 ? "waiting" : "self-service" }),
    );
  }
  const tvZones = ["entrance", "waiting", "counters"];
  for (let i = 1; i <= 3; i++) {
    agents.push(own(`tv-${i}`, { kind: "tv", model: "LED-65", zone: tvZones[i - 1] ?? "waiting" }));
  }
  for (let i = 1; i <= 2; i++) {
    agents.push(
      own(`queue-${i}`, { kind: "queue", model: "QM-300", zone: i === 1 ? "entrance" : "counters" }),
    );
  }
  const sensorZones = [
    "entrance",
    "entrance",
    "self-service",
    "waiting",
    "waiting",
    "counters",
    "counters",
    "back-office",
  ];
  const gatewayDevices: DeviceSpec[] = [
    { id: "gateway", kind: "gateway", model: "EG-100", zone: "back-office", reportIntervalSec: mains },
    ...sensorZones.map(
      (zone, i): DeviceSpec => ({
        id: `ext-${i + 1}`,
        kind: "extinguisher",
        model: "MFZ/ABC4",
        zone,
        reportIntervalSec: sensors,
      }),
    ),
    { id: "hydrant-1", kind: "hydrant", model: "SG24", zone: "waiting", reportIntervalSec: sensors },
    { id: "hydrant-2", kind: "hydrant", model: "SG24", zone: "counters", reportIntervalSec: sensors },
  ];
  agents.push({ agentId: `${hallId}-gateway`, devices: gatewayDevices });
  return { hallId, agents };
}

/** `count` halls named hall-0001…, each laid out like the demo hall, for load. */
export function loadHallLayouts(count: number, options: LayoutOptions = {}): SimHallLayout[] {
  return Array.from({ length: count }, (_, i) =>
    demoHallLayout(`hall-${String(i + 1).padStart(4, "0")}`, options),
  );
}
