import { z } from "zod";
import { requireRole } from "../../auth/request-auth.js";
import type { ApiDeps } from "../app.js";
import { auditor } from "../audit.js";
import { ApiError } from "../errors.js";
import type { TypedApp } from "./types.js";

/** Every user's API tokens for admins: listed without their secrets, revoked one by one (audited). */
export async function registerTokenAdminRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const users = deps.auth.users;
  const now = deps.now ?? Date.now;
  const audit = auditor(deps);

  app.get(
    "/api/admin/tokens",
    {
      schema: {
        querystring: z.object({
          username: z.string().min(1).max(64).optional(),
          /** Only tokens that still work (default: every token, with its state). */
          live: z.enum(["true", "false"]).optional(),
        }),
      },
    },
    async (request) => {
      requireRole(request, ["admin"]);
      const nowMs = now();
      const items = (await users.listApiTokens({ username: request.query.username })).map((t) => ({
        ...t,
        state:
          t.revokedMs !== null
            ? "revoked"
            : t.expiresMs !== null && t.expiresMs <= nowMs
              ? "expired"
              : "live",
      }));
      return { items: request.query.live === "true" ? items.filter((t) => t.state === "live") : items };
    },
  );

  app.delete(
    "/api/admin/tokens/:id",
    { schema: { params: z.object({ id: z.string().min(1).max(64) }) } },
    async (request) => {
      const p = requireRole(request, ["admin"]);
      const before = await users.apiToken(request.params.id);
      if (!before || !(await users.revokeAnyApiToken(request.params.id, now())))
        throw new ApiError("not_found", `no live API token ${request.params.id}`);
      const after = await users.apiToken(request.params.id);
      await audit(p.username, request.ip, "api_token_revoked", request.params.id, before, after);
      return { ok: true };
    },
  );
}
