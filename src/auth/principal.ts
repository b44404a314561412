import type { Role } from "../core/faults/types.js";

/** Who is calling: a signed-in user or the holder of one of their API tokens. */
export interface Principal {
  username: string;
  displayName: string;
  roles: Role[];
  /** Hall ids, or ["*"] for every hall. */
  halls: string[];
  language: "zh" | "en";
  via: "session" | "token";
  /** Signed in with a password someone else chose: the console leads to the password screen first. */
  mustChangePassword?: boolean;
}

export const isAdmin = (p: Principal) => p.roles.includes("admin");
export const hasAnyRole = (p: Principal, roles: readonly Role[]) =>
  isAdmin(p) || p.roles.some((r) => roles.includes(r));
export const allHalls = (p: Principal) => isAdmin(p) || p.halls.includes("*");
export const canSeeHall = (p: Principal, hallId: string) => allHalls(p) || p.halls.includes(hallId);

/** Hall filter for queries: undefined means every hall. */
export const hallScope = (p: Principal): string[] | undefined => (allHalls(p) ? undefined : p.halls);

/**
 * An alert is for the roles in its audience; the duty manager (and admins) see every alert of their halls,
 * floor staff see consumables and congestion, security fire equipment, maintenance repairs.
 */
export function canSeeAlert(
  p: Principal,
  alert: { hallId: string; audience: readonly Role[]; notifiedUsers?: readonly string[] | undefined },
): boolean {
  // Someone told about this alert in person (routing or an escalation chain) may open and act on it, whatever
  // their roles and halls: for this alert only.
  if (alert.notifiedUsers?.includes(p.username)) return true;
  if (!canSeeHall(p, alert.hallId)) return false;
  if (isAdmin(p) || p.roles.includes("duty_manager")) return true;
  return p.roles.some((r) => alert.audience.includes(r));
}

/** Acknowledging and resolving: the duty manager, admins, and the roles the alert is addressed to. */
export const canActOnAlert = canSeeAlert;
