import { randomBytes } from "node:crypto";
import { z } from "zod";
import { DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE_MS, DeviceCookies } from "../../auth/device-cookie.js";
import { LoginThrottle } from "../../auth/login-throttle.js";
import { caller, requireRole, SESSION_COOKIE } from "../../auth/request-auth.js";
import { passwordProblem, passwordRule } from "../../security/password-policy.js";
import type { ApiDeps } from "../app.js";
import { ApiError } from "../errors.js";
import type { TypedApp } from "./types.js";

const DAY_MS = 86_400_000;
export const DEFAULT_TOKEN_DAYS = 90;
export const DEFAULT_TOKEN_MAX_DAYS = 365;

/**
 * Refuses a weak password with the rule it breaks (never echoing the password): the message in English, the
 * rule's code in `details.rule` for a client to translate.
 */
export function checkPassword(password: string, username: string): void {
  const problem = passwordProblem(password, username);
  if (problem) throw new ApiError("weak_password", problem, { rule: passwordRule(password, username) });
}

export async function registerAuthRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const auth = deps.auth;
  const now = deps.now ?? Date.now;
  const throttle = new LoginThrottle(auth.throttle);
  const devices = auth.deviceCookies ?? new DeviceCookies(randomBytes(32));
  const tokenDefaultDays = auth.tokenDefaultDays ?? DEFAULT_TOKEN_DAYS;
  const tokenMaxDays = auth.tokenMaxDays ?? DEFAULT_TOKEN_MAX_DAYS;
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
      const nowMs = now();
      // request.ip is the proxy's X-Forwarded-For client only when http.trustProxy says to believe it.
      const deviceId = devices.deviceOf(request.cookies?.[DEVICE_COOKIE], username, nowMs);
      const pair = LoginThrottle.pairKey(username, deviceId ? `device:${deviceId}` : `ip:${request.ip}`);
      const waitMs = throttle.retryAfterMs(pair, nowMs);
      if (waitMs > 0) {
        reply.header("retry-after", String(Math.ceil(waitMs / 1000)));
        throw new ApiError(
          "too_many_attempts",
          `too many failed attempts; try again in ${Math.ceil(waitMs / 1000)} s`,
        );
      }
      const user = await auth.users.verifyPassword(username, password);
      if (!user) {
        throttle.fail(pair, nowMs);
        await audit(request, username, "login_failed", null);
        throw new ApiError("unauthenticated", "wrong user name or password");
      }
      throttle.succeed(pair);
      const session = await auth.users.createSession(user.username, auth.sessionIdleMs, request.ip, nowMs);
      reply.setCookie(SESSION_COOKIE, session.token, {
        httpOnly: true,
        sameSite: "strict",
        secure: auth.secureCookies,
        path: "/",
        maxAge: Math.floor(auth.sessionAbsoluteMs / 1000),
      });
      reply.setCookie(DEVICE_COOKIE, devices.issue(user.username, nowMs, deviceId ?? undefined), {
        httpOnly: true,
        sameSite: "strict",
        secure: auth.secureCookies,
        path: "/api/auth",
        maxAge: Math.floor(DEVICE_COOKIE_MAX_AGE_MS / 1000),
      });
      await audit(request, user.username, "login", null);
      return { user: { ...user }, csrfToken: session.csrfToken };
    },
  );

  app.post("/api/auth/logout", async (request, reply) => {
    const p = caller(request);
    const token = request.cookies?.[SESSION_COOKIE];
    if (token) await auth.users.deleteSession(token);
    reply.clearCookie(SESSION_COOKIE, { path: "/" });
    await audit(request, p.username, "logout", null);
    return { ok: true };
  });

  app.post(
    "/api/auth/password",
    {
      schema: {
        body: z.strictObject({
          current: z.string().min(1).max(256),
          next: z.string().min(1).max(256),
        }),
      },
    },
    async (request) => {
      const p = caller(request);
      if (!(await auth.users.verifyPassword(p.username, request.body.current))) {
        throw new ApiError("unauthenticated", "the current password is wrong");
      }
      checkPassword(request.body.next, p.username);
      await auth.users.setPassword(p.username, request.body.next, now());
      await audit(request, p.username, "password_changed", p.username);
      return { ok: true, note: "every session and API token of this user ended; sign in again" };
    },
  );

  app.get("/api/auth/me", async (request) => ({ user: caller(request), csrfToken: request.csrfToken }));

  app.post(
    "/api/auth/tokens",
    {
      schema: {
        body: z.strictObject({
          name: z.string().trim().min(1).max(64),
          expiresInDays: z.number().int().min(1).optional(),
        }),
      },
    },
    async (request) => {
      const p = caller(request);
      const days = request.body.expiresInDays ?? tokenDefaultDays;
      if (days > tokenMaxDays)
        throw new ApiError("bad_request", `expiresInDays: at most ${tokenMaxDays} days (auth.tokenMaxDays)`);
      const expiresMs = now() + days * DAY_MS;
      const created = await auth.users.createApiToken(p.username, request.body.name, expiresMs);
      await audit(request, p.username, "api_token_created", created.id, undefined, {
        name: request.body.name,
        expiresMs,
      });
      return { id: created.id, token: created.token, expiresMs, note: "shown once: store it now" };
    },
  );

  app.get("/api/auth/tokens", async (request) => ({
    items: await auth.users.listApiTokens({ username: caller(request).username }),
  }));

  app.delete(
    "/api/auth/tokens/:id",
    { schema: { params: z.object({ id: z.string().uuid() }) } },
    async (request) => {
      const p = caller(request);
      if (!(await auth.users.revokeApiToken(request.params.id, p.username)))
        throw new ApiError("not_found", "no such token of yours");
      await audit(request, p.username, "api_token_revoked", request.params.id);
      return { ok: true };
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
      return { items: await auth.audit.list(request.query) };
    },
  );
}
