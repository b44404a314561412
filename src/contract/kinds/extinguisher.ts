import { z } from "zod";
import { percent } from "./common.js";

/** Pressure / presence / obstruction sensor on a fire extinguisher. */
export const extinguisherValuesSchema = z.strictObject({
  pressureMpa: z.number().min(0).max(10),
  /** On its bracket. */
  present: z.boolean(),
  obstructed: z.boolean().optional(),
  sealIntact: z.boolean().optional(),
  batteryPct: percent,
  rssiDbm: z.number().min(-150).max(0).optional(),
});
export type ExtinguisherValues = z.infer<typeof extinguisherValuesSchema>;
