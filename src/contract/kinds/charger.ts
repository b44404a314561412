import { z } from "zod";
import { nonNegativeInt } from "./common.js";

export const chargerPortStateSchema = z.enum(["idle", "charging", "fault", "disabled"]);

export const chargerPortSchema = z.strictObject({
  port: nonNegativeInt,
  state: chargerPortStateSchema,
  currentA: z.number().min(0).max(20),
  voltageV: z.number().min(0).max(60),
});

/** Multi-port phone fast-charging station. */
export const chargerValuesSchema = z.strictObject({
  ports: z.array(chargerPortSchema).min(1).max(64),
  enclosureTempC: z.number().min(-40).max(150),
  totalPowerW: z.number().min(0).max(10_000),
});
export type ChargerValues = z.infer<typeof chargerValuesSchema>;
export type ChargerPort = z.infer<typeof chargerPortSchema>;
