import type { DeviceKind } from "../../../src/contract/index.js";
import type { DeviceSpec, SimulatedDriver } from "../../runtime/driver.js";
import { CHARGER_FAULTS, SimCharger } from "./charger.js";
import { EXTINGUISHER_FAULTS, SimExtinguisher } from "./extinguisher.js";
import { GATEWAY_FAULTS, SimGateway } from "./gateway.js";
import { HYDRANT_FAULTS, SimHydrant } from "./hydrant.js";
import { KIOSK_FAULTS, SimKiosk } from "./kiosk.js";
import { QUEUE_FAULTS, SimQueue } from "./queue.js";
import { SimTv, TV_FAULTS } from "./tv.js";

/** The fault names each simulated kind understands. */
export const SIM_FAULTS: { [K in DeviceKind]: readonly string[] } = {
  kiosk: KIOSK_FAULTS,
  charger: CHARGER_FAULTS,
  tv: TV_FAULTS,
  queue: QUEUE_FAULTS,
  extinguisher: EXTINGUISHER_FAULTS,
  hydrant: HYDRANT_FAULTS,
  gateway: GATEWAY_FAULTS,
};

/** Builds the simulated driver for a device spec (registry, one class per kind). */
export function createSimDriver(
  spec: DeviceSpec,
  seed: number,
  options: { sensorsExpected?: number } = {},
): SimulatedDriver {
  switch (spec.kind) {
    case "kiosk":
      return new SimKiosk(spec as DeviceSpec<"kiosk">, seed);
    case "charger":
      return new SimCharger(spec as DeviceSpec<"charger">, seed);
    case "tv":
      return new SimTv(spec as DeviceSpec<"tv">, seed);
    case "queue":
      return new SimQueue(spec as DeviceSpec<"queue">, seed);
    case "extinguisher":
      return new SimExtinguisher(spec as DeviceSpec<"extinguisher">, seed);
    case "hydrant":
      return new SimHydrant(spec as DeviceSpec<"hydrant">, seed);
    case "gateway":
      return new SimGateway(spec as DeviceSpec<"gateway">, seed, options.sensorsExpected ?? 0);
  }
}
