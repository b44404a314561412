import type { MqttClient } from "mqtt";
import { topics } from "../../src/contract/index.js";

/** Every bench hall has one agent hosting `devicesPerHall` kiosks; this publishes their births. */
export function publishBenchBirths(clients: readonly MqttClient[], devicesPerHall: number): Promise<unknown> {
  return Promise.all(
    clients.map((c, h) =>
      c.publishAsync(
        topics.birth(`hall-${h}`, `agent-${h}`),
        JSON.stringify({
          v: 1,
          session: 1,
          seq: 0,
          tsMs: Date.now(),
          agent: { id: `agent-${h}`, version: "bench" },
          devices: Array.from({ length: devicesPerHall }, (_, d) => ({
            id: `kiosk-${d}`,
            kind: "kiosk",
            model: "K",
            zone: "z",
            reportIntervalSec: 10,
          })),
        }),
        { qos: 1 },
      ),
    ),
  );
}
