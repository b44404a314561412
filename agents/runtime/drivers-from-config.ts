import { KioskHostDriver } from "../drivers/real/kiosk-host.js";
import { QueueHostDriver } from "../drivers/real/queue-host.js";
import { SignageHostDriver } from "../drivers/real/signage-host.js";
import { createSimDriver } from "../drivers/sim/index.js";
import type { DeviceConfig } from "./config.js";
import type { DeviceDriver, DeviceSpec } from "./driver.js";

/** Builds the driver a device's config names (a registry keyed by driver type). */
export function driverFromConfig(device: DeviceConfig, sensorsExpected = 0): DeviceDriver {
  const { driver, ...rest } = device;
  const spec: DeviceSpec = { ...rest };
  switch (driver.type) {
    case "simulated":
      return createSimDriver(spec, driver.seed, { sensorsExpected });
    case "kiosk-host":
      return new KioskHostDriver(spec as DeviceSpec<"kiosk">, driver);
    case "signage-host":
      return new SignageHostDriver(spec as DeviceSpec<"tv">, driver);
    case "queue-host":
      return new QueueHostDriver(spec as DeviceSpec<"queue">, driver);
  }
}
