import type { GatewayValues } from "../../../src/contract/index.js";
import type { DeviceSpec } from "../../runtime/driver.js";
import { SimDriver } from "./base.js";
import { Drift, round } from "./random.js";

export const GATEWAY_FAULTS = ["uplink_loss", "high_latency", "sensors_lost"] as const;

export class SimGateway extends SimDriver<"gateway"> {
  readonly faultNames = GATEWAY_FAULTS;
  private readonly latency = new Drift(20, 8, 45, 3, this.random);

  constructor(
    spec: DeviceSpec<"gateway">,
    seed: number,
    private readonly sensorsExpected = 0,
  ) {
    super(spec, seed);
  }

  read(): GatewayValues {
    const uplinkOk = !this.has("uplink_loss");
    return {
      uplinkOk,
      latencyMs: round(this.has("high_latency") ? 850 + this.random() * 200 : this.latency.next()),
      packetLossPct: round(uplinkOk ? this.random() * 0.5 : 100, 2),
      sensorsOnline: this.has("sensors_lost") ? Math.floor(this.sensorsExpected / 2) : this.sensorsExpected,
      sensorsExpected: this.sensorsExpected,
    };
  }
}
