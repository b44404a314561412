import { canSeeHall, isAdmin, type Principal } from "../../auth/principal.js";
import type { Roster, RosterInput } from "../../core/rosters/index.js";
import type { UserPort } from "../../store/users.js";
import { ApiError } from "../errors.js";

/** Anyone who sees one of the roster's halls may read it. */
export const canReadRoster = (p: Principal, hallIds: readonly string[]) =>
  hallIds.some((h) => canSeeHall(p, h));

/** Admins, and duty managers whose scope holds every hall of the roster, may change it. */
export const canWriteRoster = (p: Principal, hallIds: readonly string[]) =>
  isAdmin(p) || (p.roles.includes("duty_manager") && hallIds.every((h) => canSeeHall(p, h)));

export function requireWrite(p: Principal, hallIds: readonly string[]): void {
  if (!canWriteRoster(p, hallIds))
    throw new ApiError(
      "forbidden",
      "only an admin or the duty manager of every hall of the roster may change it",
    );
}

/** Every name in a roster must be a user: a 400 listing each unknown one by its path. */
export async function checkPeople(users: Pick<UserPort, "list">, input: RosterInput | Roster): Promise<void> {
  const details: { path: string; message: string }[] = [];
  const known = new Set((await users.list()).map((u) => u.username));
  const check = (name: string, path: string) => {
    if (!known.has(name)) details.push({ path, message: `no user ${name}` });
  };
  for (const [i, s] of input.shifts.entries())
    for (const [j, u] of s.usernames.entries()) check(u, `shifts.${i}.usernames.${j}`);
  for (const [i, o] of (input.overrides ?? []).entries())
    for (const [j, u] of o.usernames.entries()) check(u, `overrides.${i}.usernames.${j}`);
  for (const [i, s] of (input.swaps ?? []).entries()) {
    check(s.from, `swaps.${i}.from`);
    check(s.to, `swaps.${i}.to`);
  }
  if (details.length > 0) throw new ApiError("bad_request", "unknown users in the roster", details);
}
