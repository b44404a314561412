import { z } from "zod";
import { requireRole } from "../../auth/request-auth.js";
import { agentIdSchema, hallIdSchema } from "../../contract/index.js";
import type { ApiDeps } from "../app.js";
import { auditor } from "../audit.js";
import { ApiError } from "../errors.js";
import type { TypedApp } from "./types.js";

const timeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, "not an IANA time zone");

/** HQ operations: halls and agent credentials. Secrets are shown once in the answer and never stored in clear. */
export async function registerAdminRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const credentials = deps.credentials;
  if (!credentials) return;
  const now = deps.now ?? Date.now;
  const audit = auditor(deps);

  app.post(
    "/api/halls",
    {
      schema: {
        body: z.strictObject({
          id: hallIdSchema,
          name: z.string().trim().min(1).max(128),
          timeZone: timeZone.default("Asia/Shanghai"),
          /** District or region for grouped notices (e.g. 西城区); omitted keeps the stored one, null clears it. */
          region: z.string().trim().min(1).max(64).nullable().optional(),
        }),
      },
    },
    async (request) => {
      const p = requireRole(request, ["admin"]);
      const before = deps.halls.get(request.body.id);
      deps.halls.upsert(request.body, now());
      const after = deps.halls.get(request.body.id);
      audit(
        p.username,
        request.ip,
        before ? "hall_updated" : "hall_created",
        request.body.id,
        before ?? undefined,
        after,
      );
      return after;
    },
  );

  app.get("/api/admin/agents", async (request) => {
    requireRole(request, ["admin"]);
    return { items: await credentials.listAgents() };
  });

  app.post(
    "/api/admin/agents",
    {
      schema: {
        body: z.strictObject({
          agentId: agentIdSchema,
          hallId: hallIdSchema,
          name: z.string().max(128).optional(),
        }),
      },
    },
    async (request) => {
      const p = requireRole(request, ["admin"]);
      const { agentId, hallId, name } = request.body;
      if (!deps.halls.get(hallId)) throw new ApiError("not_found", `no hall ${hallId}`);
      if (await credentials.agentExists(agentId))
        throw new ApiError("conflict", `agent ${agentId} exists; rotate its secret instead`);
      const provisioned = await credentials.provisionAgent(hallId, agentId, name, now());
      await audit(p.username, request.ip, "agent_provisioned", agentId, undefined, {
        hallId,
        name: name ?? null,
      });
      return {
        agentId,
        hallId,
        secret: provisioned.secret,
        note: "shown once: put it in the agent's config now",
      };
    },
  );

  const agentParams = z.object({ agentId: agentIdSchema });
  app.post("/api/admin/agents/:agentId/rotate", { schema: { params: agentParams } }, async (request) => {
    const p = requireRole(request, ["admin"]);
    if (!(await credentials.agentExists(request.params.agentId)))
      throw new ApiError("not_found", `no agent ${request.params.agentId}`);
    const rotated = await credentials.rotateAgentSecret(request.params.agentId, now());
    await deps.onCredentialsChanged?.();
    await audit(p.username, request.ip, "agent_secret_rotated", request.params.agentId);
    return { agentId: rotated.agentId, hallId: rotated.hallId, secret: rotated.secret, note: "shown once" };
  });

  app.post("/api/admin/agents/:agentId/revoke", { schema: { params: agentParams } }, async (request) => {
    const p = requireRole(request, ["admin"]);
    if (!(await credentials.revokeAgent(request.params.agentId, now())))
      throw new ApiError("not_found", `no active agent ${request.params.agentId}`);
    await deps.onCredentialsChanged?.();
    await audit(p.username, request.ip, "agent_revoked", request.params.agentId);
    return { ok: true };
  });
}
