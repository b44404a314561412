import { z } from "zod";
import { percent } from "./common.js";

/** Indoor hydrant cabinet sensor. */
export const hydrantValuesSchema = z.strictObject({
  doorOpen: z.boolean(),
  pressureMpa: z.number().min(0).max(10),
  hosePresent: z.boolean(),
  batteryPct: percent,
  rssiDbm: z.number().min(-150).max(0).optional(),
});
export type HydrantValues = z.infer<typeof hydrantValuesSchema>;
