import { z } from "zod";
import { LoginThrottle } from "../../auth/login-throttle.js";
import { caller, requireRole, SESSION_COOKIE } from "../../auth/request-auth.js";
import { ROLES } from "../../core/faults/types.js";
import type { ApiDeps } from "../app.js";
import { ApiError } from "../errors.js";
import type { TypedApp } from "./types.js";

const DAY_MS = 86_400_000;

export async function registerAuthRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const auth = deps.auth;
  const now = deps.now ?? Date.now;
  const throttle = new LoginThrottle(auth.throttle);
  const audit = (
    request: { ip: string },
    actor: string,
    action: string,
    target: string | null,
    before?: unknown,
    after?: unknown,
  ) => auth.audit.record({ atMs: now(), actor, action, target, before, after, ip: request.ip });

  app.post(
    "/api/auth/login",
    {
      schema: {
        body: z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }),
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const keys = [`user:${username.toLowerCase()}`, `ip:${request.ip}`];
      const nowMs = now();
      const waitMs = throttle.retryAfterMs(keys, nowMs);
      if (waitMs > 0) {
        reply.header("retry-after", String(Math.ceil(waitMs / 1000)));
        throw new ApiError(
          "too_many_attempts",
          `too many failed attempts; try again in ${Math.ceil(waitMs / 1000)} s`,
        );
      }
      const user = await auth.users.verifyPassword(username, password);
      if (!user) {
        throttle.fail(keys, nowMs);
        audit(request, username, "login_failed", null);
        throw new ApiError("unauthenticated", "wrong user name or password");
      }
      throttle.succeed(keys);
      const session = auth.users.createSession(user.username, auth.sessionIdleMs, request.ip, nowMs);
      reply.setCookie(SESSION_COOKIE, session.token, {
        httpOnly: true,
        sameSite: "strict",
        secure: auth.secureCookies,
        path: "/",
        maxAge: Math.floor(auth.sessionAbsoluteMs / 1000),
      });
      audit(request, user.username, "login", null);
      return { user: { ...user }, csrfToken: session.csrfToken };
    },
  );

  app.post("/api/auth/logout", async (request, reply) => {
    const p = caller(request);
    const token = request.cookies?.[SESSION_COOKIE];
    if (token) auth.users.deleteSession(token);
    reply.clearCookie(SESSION_COOKIE, { path: "/" });
    audit(request, p.username, "logout", null);
    return { ok: true };
  });

  app.post(
    "/api/auth/password",
    {
      schema: {
        body: z.strictObject({
          current: z.string().min(1).max(256),
          next: z.string().min(10, "at least 10 characters").max(256),
        }),
      },
    },
    async (request) => {
      const p = caller(request);
      if (!(await auth.users.verifyPassword(p.username, request.body.current))) {
        throw new ApiError("unauthenticated", "the current password is wrong");
      }
      await auth.users.setPassword(p.username, request.body.next, now());
      audit(request, p.username, "password_changed", p.username);
      return { ok: true, note: "every session of this user ended; sign in again" };
    },
  );

  app.get("/api/auth/me", async (request) => ({ user: caller(request), csrfToken: request.csrfToken }));

  app.post(
    "/api/auth/tokens",
    {
      schema: {
        body: z.strictObject({
          name: z.string().trim().min(1).max(64),
          expiresInDays: z.number().int().min(1).max(3650).optional(),
        }),
      },
    },
    async (request) => {
      const p = caller(request);
      const expiresMs = request.body.expiresInDays ? now() + request.body.expiresInDays * DAY_MS : null;
      const created = auth.users.createApiToken(p.username, request.body.name, expiresMs);
      audit(request, p.username, "api_token_created", created.id, undefined, {
        name: request.body.name,
        expiresMs,
      });
      return { id: created.id, token: created.token, note: "shown once: store it now" };
    },
  );

  app.delete(
    "/api/auth/tokens/:id",
    { schema: { params: z.object({ id: z.string().uuid() }) } },
    async (request) => {
      const p = caller(request);
      if (!auth.users.revokeApiToken(request.params.id, p.username))
        throw new ApiError("not_found", "no such token of yours");
      audit(request, p.username, "api_token_revoked", request.params.id);
      return { ok: true };
    },
  );

  app.get("/api/users", async (request) => {
    requireRole(request, ["admin"]);
    return { items: auth.users.list() };
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
      if (auth.users.get(request.body.username))
        throw new ApiError("conflict", `user ${request.body.username} exists`);
      const user = await auth.users.create(request.body);
      audit(request, p.username, "user_created", user.username, undefined, user);
      return user;
    },
  );

  app.get(
    "/api/audit",
    {
      schema: {
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(500).default(100),
          beforeId: z.coerce.number().int().optional(),
          actor: z.string().optional(),
        }),
      },
    },
    async (request) => {
      requireRole(request, ["admin"]);
      return { items: auth.audit.list(request.query) };
    },
  );
}
