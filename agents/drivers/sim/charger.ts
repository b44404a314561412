import type { ChargerPort, ChargerValues } from "../../../src/contract/index.js";
import type { DeviceSpec } from "../../runtime/driver.js";
import { SimDriver } from "./base.js";
import { Drift, round } from "./random.js";

export const CHARGER_FAULTS = ["overheat", "port_fault", "half_ports_fault"] as const;
const PORTS = 8;

export class SimCharger extends SimDriver<"charger"> {
  readonly faultNames = CHARGER_FAULTS;
  private readonly temp = new Drift(34, 28, 42, 0.3, this.random);
  private readonly busy = Array.from({ length: PORTS }, () => this.random() < 0.4);

  constructor(spec: DeviceSpec<"charger">, seed: number) {
    super(spec, seed);
  }

  read(): ChargerValues {
    for (let i = 0; i < PORTS; i++) if (this.random() < 0.02) this.busy[i] = !this.busy[i];
    const faulted = this.has("half_ports_fault") ? PORTS / 2 : this.has("port_fault") ? 1 : 0;
    const ports: ChargerPort[] = [];
    for (let i = 0; i < PORTS; i++) {
      if (i < faulted) {
        ports.push({ port: i + 1, state: "fault", currentA: 0, voltageV: 0 });
      } else if (this.busy[i]) {
        ports.push({
          port: i + 1,
          state: "charging",
          currentA: round(1 + this.random() * 2, 2),
          voltageV: 9,
        });
      } else {
        ports.push({ port: i + 1, state: "idle", currentA: 0, voltageV: 5 });
      }
    }
    const totalPowerW = round(ports.reduce((sum, p) => sum + p.currentA * p.voltageV, 0));
    return {
      ports,
      enclosureTempC: round(this.has("overheat") ? 61 + this.random() * 3 : this.temp.next()),
      totalPowerW,
    };
  }
}
