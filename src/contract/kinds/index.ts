import { z } from "zod";
import { chargerValuesSchema } from "./charger.js";
import type { PowerSource } from "./common.js";
import { extinguisherValuesSchema } from "./extinguisher.js";
import { gatewayValuesSchema } from "./gateway.js";
import { hydrantValuesSchema } from "./hydrant.js";
import { kioskValuesSchema } from "./kiosk.js";
import { queueValuesSchema } from "./queue.js";
import { tvValuesSchema } from "./tv.js";

export * from "./charger.js";
export * from "./common.js";
export * from "./extinguisher.js";
export * from "./gateway.js";
export * from "./hydrant.js";
export * from "./kiosk.js";
export * from "./queue.js";
export * from "./series-fields.js";
export * from "./tv.js";

export const DEVICE_KINDS = [
  "kiosk",
  "charger",
  "tv",
  "queue",
  "extinguisher",
  "hydrant",
  "gateway",
] as const;
export const deviceKindSchema = z.enum(DEVICE_KINDS);
export type DeviceKind = z.infer<typeof deviceKindSchema>;

export interface KindSpec<S extends z.ZodType = z.ZodType> {
  kind: DeviceKind;
  valuesSchema: S;
  power: PowerSource;
  /** Default report interval an agent uses when its config names none. */
  defaultReportIntervalSec: number;
  /** Fire equipment and the gateway are watched around the clock, the rest only while the hall is open. */
  watchedAroundTheClock: boolean;
}

/** The registry of device kinds: one place that knows each kind's telemetry schema and defaults. */
export const KIND_SPECS = {
  kiosk: {
    kind: "kiosk",
    valuesSchema: kioskValuesSchema,
    power: "mains",
    defaultReportIntervalSec: 10,
    watchedAroundTheClock: false,
  },
  charger: {
    kind: "charger",
    valuesSchema: chargerValuesSchema,
    power: "mains",
    defaultReportIntervalSec: 10,
    watchedAroundTheClock: false,
  },
  tv: {
    kind: "tv",
    valuesSchema: tvValuesSchema,
    power: "mains",
    defaultReportIntervalSec: 10,
    watchedAroundTheClock: false,
  },
  queue: {
    kind: "queue",
    valuesSchema: queueValuesSchema,
    power: "mains",
    defaultReportIntervalSec: 10,
    watchedAroundTheClock: false,
  },
  extinguisher: {
    kind: "extinguisher",
    valuesSchema: extinguisherValuesSchema,
    power: "battery",
    defaultReportIntervalSec: 900,
    watchedAroundTheClock: true,
  },
  hydrant: {
    kind: "hydrant",
    valuesSchema: hydrantValuesSchema,
    power: "battery",
    defaultReportIntervalSec: 900,
    watchedAroundTheClock: true,
  },
  gateway: {
    kind: "gateway",
    valuesSchema: gatewayValuesSchema,
    power: "mains",
    defaultReportIntervalSec: 10,
    watchedAroundTheClock: true,
  },
} as const satisfies { [K in DeviceKind]: KindSpec };

export type TelemetryValuesByKind = { [K in DeviceKind]: z.infer<(typeof KIND_SPECS)[K]["valuesSchema"]> };
export type TelemetryValues = TelemetryValuesByKind[DeviceKind];
