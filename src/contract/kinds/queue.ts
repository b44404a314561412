import { z } from "zod";
import { nonNegativeInt, percent, printerStateSchema } from "./common.js";

/** Ticket dispenser and calling displays (排队叫号机). */
export const queueValuesSchema = z.strictObject({
  appOk: z.boolean(),
  printerState: printerStateSchema,
  paperPct: percent.optional(),
  waitingTotal: nonNegativeInt,
  /** Customers waiting per service type, e.g. {"billing": 4, "sim": 2}. */
  waitingByService: z.record(z.string().min(1).max(32), nonNegativeInt).optional(),
  longestWaitSec: z.number().min(0),
  countersOpen: nonNegativeInt,
  ticketsIssuedToday: nonNegativeInt.optional(),
  ticketsCalledToday: nonNegativeInt.optional(),
  displaysOk: z.boolean().optional(),
  voiceOk: z.boolean().optional(),
});
export type QueueValues = z.infer<typeof queueValuesSchema>;
