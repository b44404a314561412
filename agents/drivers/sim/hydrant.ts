import type { HydrantValues } from "../../../src/contract/index.js";
import type { DeviceSpec } from "../../runtime/driver.js";
import { SimDriver } from "./base.js";
import { Drift, round } from "./random.js";

export const HYDRANT_FAULTS = ["low_pressure", "door_open", "hose_missing", "battery_low"] as const;

export class SimHydrant extends SimDriver<"hydrant"> {
  readonly faultNames = HYDRANT_FAULTS;
  private readonly pressure = new Drift(0.35, 0.3, 0.4, 0.003, this.random);
  private readonly battery = new Drift(88, 60, 100, 0.05, this.random);

  constructor(spec: DeviceSpec<"hydrant">, seed: number) {
    super(spec, seed);
  }

  read(): HydrantValues {
    return {
      doorOpen: this.has("door_open"),
      pressureMpa: round(this.has("low_pressure") ? 0.08 : this.pressure.next(), 3),
      hosePresent: !this.has("hose_missing"),
      batteryPct: round(this.has("battery_low") ? 11 : this.battery.next()),
    };
  }
}
