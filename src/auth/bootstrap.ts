import { randomBytes } from "node:crypto";
import type { Role } from "../core/faults/types.js";
import type { UserPort } from "../store/users.js";

/**
 * The first admin (user name `admin`) at first start: with HALLWATCH_ADMIN_PASSWORD if given, otherwise a
 * one-time password printed once to the console (never to the log).
 */
export async function ensureFirstAdmin(
  users: UserPort,
  password: string | null,
  print: (line: string) => void,
): Promise<void> {
  if ((await users.count()) > 0) return;
  const chosen = password ?? randomBytes(12).toString("base64url");
  await users.create({
    username: "admin",
    displayName: "Administrator",
    password: chosen,
    roles: ["admin"],
    halls: ["*"],
    mustChangePassword: password === null,
  });
  if (password === null) {
    print(
      `First start: created user "admin" with the one-time password ${chosen}  (shown once; the console asks for a new one at the first sign-in: #/account)`,
    );
  }
}

/** Demo users of the demo hall, documented in README. Created only while the demo hall runs. */
export const DEMO_USERS: { username: string; displayName: string; roles: Role[]; password: string }[] = [
  { username: "duty", displayName: "值班经理 Duty manager", roles: ["duty_manager"], password: "demo-duty" },
  { username: "floor", displayName: "导办 Floor staff", roles: ["floor_staff"], password: "demo-floor" },
  { username: "maint", displayName: "维护 Maintenance", roles: ["maintenance"], password: "demo-maint" },
  { username: "guard", displayName: "保安 Security", roles: ["security"], password: "demo-guard" },
];

export async function ensureDemoUsers(users: UserPort, hallId: string): Promise<void> {
  for (const user of DEMO_USERS) {
    if (!(await users.get(user.username))) await users.create({ ...user, halls: [hallId] });
  }
}
