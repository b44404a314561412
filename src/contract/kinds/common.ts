import { z } from "zod";

export const percent = z.number().min(0).max(100);
export const nonNegativeInt = z.number().int().min(0);

/** Receipt / ticket printer states reported by kiosks and queue machines. */
export const printerStateSchema = z.enum(["ok", "paper_low", "paper_out", "jam", "cover_open", "offline"]);
export type PrinterState = z.infer<typeof printerStateSchema>;

/** How a device is powered decides how often it reports and how long its silence may last. */
export const powerSourceSchema = z.enum(["mains", "battery"]);
export type PowerSource = z.infer<typeof powerSourceSchema>;
