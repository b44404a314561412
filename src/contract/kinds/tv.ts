import { z } from "zod";

/** Hall TV / signage screen. */
export const tvValuesSchema = z.strictObject({
  power: z.enum(["on", "standby", "off"]),
  signalOk: z.boolean(),
  input: z.string().max(32).optional(),
  /** Seconds since the content player last said it was alive; absent when no player is attached. */
  playerHeartbeatAgeSec: z.number().min(0).optional(),
});
export type TvValues = z.infer<typeof tvValuesSchema>;
