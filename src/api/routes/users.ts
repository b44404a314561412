import { z } from "zod";
import { requireRole } from "../../auth/request-auth.js";
import { ROLES } from "../../core/faults/types.js";
import type { ApiDeps } from "../app.js";
import { auditor } from "../audit.js";
import { ApiError } from "../errors.js";
import { checkPassword } from "./auth.js";
import type { TypedApp } from "./types.js";

const usernameParams = z.object({ username: z.string().min(1).max(64) });

/**
 * User administration (admins): create, disable or enable, reset a password. Passwords follow the policy of
 * src/security/password-policy.ts; disabling or resetting ends the user's sessions and API tokens.
 */
export async function registerUserRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const users = deps.auth.users;
  const now = deps.now ?? Date.now;
  const audit = auditor(deps);

  const existing = (username: string) => {
    const user = users.get(username);
    if (!user) throw new ApiError("not_found", `no user ${username}`);
    return user;
  };

  app.get("/api/users", async (request) => {
    requireRole(request, ["admin"]);
    return { items: users.list() };
  });

  app.post(
    "/api/users",
    {
      schema: {
        body: z.strictObject({
          username: z
            .string()
            .regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, "2-64 chars of a-z, 0-9, '.', '_' or '-'"),
          displayName: z.string().trim().min(1).max(128),
          password: z.string().min(10, "at least 10 characters").max(256),
          roles: z.array(z.enum(ROLES)).min(1),
          halls: z.array(z.string().min(1)).min(1),
          language: z.enum(["zh", "en"]).optional(),
        }),
      },
    },
    async (request) => {
      const p = requireRole(request, ["admin"]);
      const body = request.body;
      if (users.get(body.username)) throw new ApiError("conflict", `user ${body.username} exists`);
      const unknown = body.halls.filter((h) => h !== "*" && !deps.halls.get(h));
      if (unknown.length > 0)
        throw new ApiError(
          "bad_request",
          `unknown hall${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`,
        );
      checkPassword(body.password, body.username);
      const user = await users.create(body, now());
      audit(p.username, request.ip, "user_created", user.username, undefined, user);
      return user;
    },
  );

  app.post("/api/users/:username/disable", { schema: { params: usernameParams } }, async (request) => {
    const p = requireRole(request, ["admin"]);
    const before = existing(request.params.username);
    if (before.username === p.username) throw new ApiError("conflict", "you cannot disable yourself");
    users.setDisabled(before.username, true, now());
    audit(p.username, request.ip, "user_disabled", before.username, before, users.get(before.username));
    return { ok: true, note: "the user's sessions ended and their API tokens were revoked" };
  });

  app.post("/api/users/:username/enable", { schema: { params: usernameParams } }, async (request) => {
    const p = requireRole(request, ["admin"]);
    const before = existing(request.params.username);
    users.setDisabled(before.username, false, now());
    audit(p.username, request.ip, "user_enabled", before.username, before, users.get(before.username));
    return { ok: true };
  });

  app.post(
    "/api/users/:username/password",
    {
      schema: {
        params: usernameParams,
        body: z.strictObject({ password: z.string().min(10, "at least 10 characters").max(256) }),
      },
    },
    async (request) => {
      const p = requireRole(request, ["admin"]);
      const user = existing(request.params.username);
      checkPassword(request.body.password, user.username);
      await users.setPassword(user.username, request.body.password, now());
      audit(p.username, request.ip, "password_reset", user.username);
      return { ok: true, note: "the user's sessions ended and their API tokens were revoked" };
    },
  );
}
