import type { ExtinguisherValues } from "../../../src/contract/index.js";
import type { DeviceSpec } from "../../runtime/driver.js";
import { SimDriver } from "./base.js";
import { Drift, round } from "./random.js";

export const EXTINGUISHER_FAULTS = [
  "removed",
  "low_pressure",
  "high_pressure",
  "obstructed",
  "seal_broken",
  "battery_low",
] as const;

export class SimExtinguisher extends SimDriver<"extinguisher"> {
  readonly faultNames = EXTINGUISHER_FAULTS;
  private readonly pressure = new Drift(1.2, 1.1, 1.3, 0.005, this.random);
  private readonly battery = new Drift(85, 60, 100, 0.05, this.random);
  private readonly rssi = new Drift(-70, -85, -55, 1, this.random);

  constructor(spec: DeviceSpec<"extinguisher">, seed: number) {
    super(spec, seed);
  }

  read(): ExtinguisherValues {
    let pressureMpa = this.pressure.next();
    if (this.has("low_pressure")) pressureMpa = 0.75;
    if (this.has("high_pressure")) pressureMpa = 1.65;
    return {
      pressureMpa: round(pressureMpa, 3),
      present: !this.has("removed"),
      obstructed: this.has("obstructed"),
      sealIntact: !this.has("seal_broken"),
      batteryPct: round(this.has("battery_low") ? 12 : this.battery.next()),
      rssiDbm: round(this.rssi.next()),
    };
  }
}
