import { z } from "zod";
import { percent, printerStateSchema } from "./common.js";

/** Self-service terminal with receipt printer and card reader. */
export const kioskValuesSchema = z.strictObject({
  appOk: z.boolean(),
  screenOk: z.boolean().optional(),
  touchOk: z.boolean().optional(),
  printerState: printerStateSchema,
  paperPct: percent.optional(),
  cardReaderOk: z.boolean().optional(),
  cpuPct: percent,
  memPct: percent,
  diskPct: percent,
});
export type KioskValues = z.infer<typeof kioskValuesSchema>;
