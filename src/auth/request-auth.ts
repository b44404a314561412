import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ApiError } from "../api/errors.js";
import type { Role } from "../core/faults/types.js";
import type { UserPort, UserRecord } from "../store/users.js";
import { hasAnyRole, type Principal } from "./principal.js";

export const SESSION_COOKIE = "hallwatch_session";
export const CSRF_HEADER = "x-csrf-token";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
    /** The session's CSRF token (cookie sessions only). */
    csrfToken: string | null;
  }
}

export interface RequestAuthOptions {
  users: UserPort;
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  now: () => number;
}

/** What anyone may call without signing in. */
const PUBLIC = new Set(["GET /api/health", "POST /api/auth/login", "GET /api/openapi.json"]);
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
/** Signed action links carry their own proof (routes/act.ts): a session is used when there is one, never required here. */
const SIGNED_LINK_PREFIX = "/api/act/";
/**
 * Node-to-node routes carry a node signature (src/cluster/node-signature.ts) that the route checks itself; a user's
 * session or token is never looked at there, so none can stand in for it.
 */
const NODE_SIGNED_ROUTES = new Set(["POST /api/cluster/alerts/:id/actions"]);

const principalOf = (user: UserRecord, via: Principal["via"]): Principal => ({
  username: user.username,
  displayName: user.displayName,
  roles: user.roles,
  halls: user.halls,
  language: user.language,
  via,
  mustChangePassword: user.mustChangePassword,
});

/**
 * Deny by default: every API route needs a session cookie (plus the CSRF header on anything that changes
 * state) or a bearer API token, except the few public ones above.
 */
export function registerRequestAuth(app: FastifyInstance, options: RequestAuthOptions): void {
  app.decorateRequest("principal", null);
  app.decorateRequest("csrfToken", null);
  app.addHook("onRequest", async (request: FastifyRequest, _reply: FastifyReply) => {
    const path = request.url.split("?")[0] ?? "";
    if (!path.startsWith("/api/") && path !== "/metrics") return;
    if (PUBLIC.has(`${request.method} ${path}`)) return;
    // The matched route, not the raw URL (as for signed links below).
    if (NODE_SIGNED_ROUTES.has(`${request.method} ${request.routeOptions.url ?? ""}`)) return;
    const nowMs = options.now();
    const authorization = request.headers.authorization;
    if (authorization?.startsWith("Bearer ")) {
      const user = await options.users.apiTokenUser(authorization.slice(7).trim(), nowMs);
      if (!user) throw new ApiError("unauthenticated", "invalid or expired API token");
      request.principal = principalOf(user, "token");
      return;
    }
    const token = request.cookies?.[SESSION_COOKIE];
    const session = token
      ? await options.users.session(token, options.sessionIdleMs, options.sessionAbsoluteMs, nowMs)
      : null;
    if (!session) {
      // The matched route, not the raw URL: no spelling of another path can pass as a signed-link route.
      if (request.routeOptions.url?.startsWith(SIGNED_LINK_PREFIX)) return;
      throw new ApiError("unauthenticated", "sign in first");
    }
    if (!SAFE_METHODS.has(request.method) && request.headers[CSRF_HEADER] !== session.csrfToken) {
      throw new ApiError("csrf_failed", `missing or wrong ${CSRF_HEADER} header`);
    }
    request.principal = principalOf(session.user, "session");
    request.csrfToken = session.csrfToken;
  });
}

/** The caller, who must be signed in (the hook guarantees it on protected routes). */
export function caller(request: FastifyRequest): Principal {
  if (!request.principal) throw new ApiError("unauthenticated", "sign in first");
  return request.principal;
}

export function requireRole(request: FastifyRequest, roles: readonly Role[]): Principal {
  const p = caller(request);
  if (!hasAnyRole(p, roles)) throw new ApiError("forbidden", `needs one of the roles: ${roles.join(", ")}`);
  return p;
}
