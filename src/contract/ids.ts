import { z } from "zod";

/**
 * Hall, agent and device ids appear as MQTT topic levels, so they must never contain `/`, `+`, `#`
 * or start with `$` or `_` (`_` is reserved for system topics such as `_system`).
 */
export const ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

const id = (what: string) =>
  z
    .string()
    .regex(ID_PATTERN, `${what} must be 1-64 chars of a-z, 0-9, '-' or '_', starting with a letter or digit`);

export const hallIdSchema = id("hall id");
export const agentIdSchema = id("agent id");
export const deviceIdSchema = id("device id");

export type HallId = z.infer<typeof hallIdSchema>;
export type AgentId = z.infer<typeof agentIdSchema>;
export type DeviceId = z.infer<typeof deviceIdSchema>;

/** The reserved hall of Hallwatch's own alerts (disk full, device conflicts, history buffer): admins only. */
export const SYSTEM_HALL_ID = "_system";

export function isValidId(value: string): boolean {
  return ID_PATTERN.test(value);
}
