import { randomBytes } from "node:crypto";
import { z } from "zod";
import { requireRole } from "../../auth/request-auth.js";
import { ROLES } from "../../core/faults/types.js";
import type { ApiDeps } from "../app.js";
import { auditor } from "../audit.js";
import { ApiError } from "../errors.js";
import { checkPassword } from "./auth.js";
import type { TypedApp } from "./types.js";

const usernameParams = z.object({ username: z.string().min(1).max(64) });
const displayName = z.string().trim().min(1).max(128);
const roles = z.array(z.enum(ROLES)).min(1);
const halls = z.array(z.string().min(1)).min(1);
const language = z.enum(["zh", "en"]);

/** A one-time password from 15 random bytes: 20 base64url characters, never a common or repeated one. */
const oneTimePassword = () => randomBytes(15).toString("base64url");

/**
 * User administration (admins): create, edit, disable or enable, reset a password. Passwords follow the policy of
 * src/security/password-policy.ts; disabling or resetting ends the user's sessions and API tokens. A password an
 * admin chose or the server generated is one-time: its user is asked for a new one at sign-in.
 */
export async function registerUserRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const users = deps.auth.users;
  const now = deps.now ?? Date.now;
  const audit = auditor(deps);

  const existing = async (username: string) => {
    const user = await users.get(username);
    if (!user) throw new ApiError("not_found", `no user ${username}`);
    return user;
  };

  const checkHalls = (wanted: string[]) => {
    const unknown = wanted.filter((h) => h !== "*" && !deps.halls.get(h));
    if (unknown.length > 0)
      throw new ApiError(
        "bad_request",
        `unknown hall${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`,
      );
  };

  app.get("/api/users", async (request) => {
    requireRole(request, ["admin"]);
    return { items: await users.list() };
  });

  app.post(
    "/api/users",
    {
      schema: {
        body: z.strictObject({
          username: z
            .string()
            .regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, "2-64 chars of a-z, 0-9, '.', '_' or '-'"),
          displayName,
          password: z.string().min(1).max(256),
          roles,
          halls,
          language: language.optional(),
          /** Ask the user for a new password at the first sign-in (the admin knows this one). */
          mustChangePassword: z.boolean().optional(),
        }),
      },
    },
    async (request) => {
      const p = requireRole(request, ["admin"]);
      const body = request.body;
      if (await users.get(body.username)) throw new ApiError("conflict", `user ${body.username} exists`);
      checkHalls(body.halls);
      checkPassword(body.password, body.username);
      const user = await users.create(body, now());
      await audit(p.username, request.ip, "user_created", user.username, undefined, user);
      return user;
    },
  );

  app.put(
    "/api/users/:username",
    {
      schema: {
        params: usernameParams,
        body: z
          .strictObject({
            displayName: displayName.optional(),
            roles: roles.optional(),
            halls: halls.optional(),
            language: language.optional(),
          })
          .refine((b) => Object.keys(b).length > 0, "nothing to change"),
      },
    },
    async (request) => {
      const p = requireRole(request, ["admin"]);
      const before = await existing(request.params.username);
      const changes = request.body;
      if (changes.halls) checkHalls(changes.halls);
      // An admin cannot take away their own admin role: nobody might be left to give it back.
      if (before.username === p.username && changes.roles && !changes.roles.includes("admin"))
        throw new ApiError("conflict", "you cannot remove your own admin role");
      const after = await users.update(before.username, changes);
      await audit(p.username, request.ip, "user_changed", before.username, before, after);
      return after;
    },
  );

  app.post("/api/users/:username/disable", { schema: { params: usernameParams } }, async (request) => {
    const p = requireRole(request, ["admin"]);
    const before = await existing(request.params.username);
    if (before.username === p.username) throw new ApiError("conflict", "you cannot disable yourself");
    await users.setDisabled(before.username, true, now());
    const after = await users.get(before.username);
    await audit(p.username, request.ip, "user_disabled", before.username, before, after);
    return { ok: true, note: "the user's sessions ended and their API tokens were revoked" };
  });

  app.post("/api/users/:username/enable", { schema: { params: usernameParams } }, async (request) => {
    const p = requireRole(request, ["admin"]);
    const before = await existing(request.params.username);
    await users.setDisabled(before.username, false, now());
    const after = await users.get(before.username);
    await audit(p.username, request.ip, "user_enabled", before.username, before, after);
    return { ok: true };
  });

  app.post(
    "/api/users/:username/password",
    {
      schema: {
        params: usernameParams,
        // Without a password the server generates a one-time one and answers it (once).
        body: z.strictObject({ password: z.string().min(1).max(256).optional() }),
      },
    },
    async (request) => {
      const p = requireRole(request, ["admin"]);
      const user = await existing(request.params.username);
      const chosen = request.body.password;
      const password = chosen ?? oneTimePassword();
      if (chosen !== undefined) checkPassword(chosen, user.username);
      await users.setPassword(user.username, password, now(), user.username !== p.username);
      await audit(p.username, request.ip, "password_reset", user.username);
      return {
        ok: true,
        ...(chosen === undefined ? { password } : {}),
        note: "the user's sessions ended and their API tokens were revoked; they choose a new password at sign-in",
      };
    },
  );
}
