import { describe, expect, it } from "vitest";
import { requireInCi } from "../helpers/external-servers.js";
import { INFLUXD } from "../helpers/influxd.js";
import { MOSQUITTO } from "../helpers/mosquitto.js";
import { JAMMED_DEVICE, runChaos } from "./scenario.js";

const available = requireInCi(MOSQUITTO, "mosquitto") && requireInCi(INFLUXD, "influxd");

// The short mode of the chaos test; `npm run bench -- chaos` runs the long one (60 s broker, 90 s influxd).
describe.runIf(available)("chaos: aggregator SIGKILLed three times, broker and influxd stopped", () => {
  it("stores every generated message in InfluxDB exactly once, keeps the one alert once, marks no device offline", async () => {
    const result = await runChaos({
      agents: 3,
      devicesPerAgent: 8,
      settleMs: 3000,
      brokerOutageMs: 5000,
      influxOutageMs: 6000,
    });
    const why = result.timeline.join("\n");
    expect(result.generated, why).toBeGreaterThan(500);
    expect(
      { missing: result.missing.length, firstMissing: result.missing.slice(0, 5), extra: result.extra },
      why,
    ).toEqual({ missing: 0, firstMissing: [], extra: [] });
    expect(result.duplicated, why).toBe(0);
    expect(
      result.alerts.map((a) => ({ device: a.device_id, fault: a.fault_type, status: a.status })),
      why,
    ).toEqual([{ device: JAMMED_DEVICE, fault: "printer_jam", status: "open" }]);
    expect(result.offline, why).toEqual([]);
  }, 300_000);
});
