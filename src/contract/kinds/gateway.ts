import { z } from "zod";
import { nonNegativeInt, percent } from "./common.js";

/** Hall edge gateway and its uplink. */
export const gatewayValuesSchema = z.strictObject({
  uplinkOk: z.boolean(),
  latencyMs: z.number().min(0),
  packetLossPct: percent,
  sensorsOnline: nonNegativeInt,
  sensorsExpected: nonNegativeInt.optional(),
});
export type GatewayValues = z.infer<typeof gatewayValuesSchema>;
