import { z } from "zod";
import { canSeeHall } from "../../auth/principal.js";
import { requireRole } from "../../auth/request-auth.js";
import { agentIdSchema, hallIdSchema } from "../../contract/index.js";
import type { ApiDeps } from "../app.js";
import { ApiError } from "../errors.js";
import { presenceOf } from "../presence-reads.js";
import { agentView } from "../views.js";
import type { TypedApp } from "./types.js";

const connectivity = z.enum(["online", "offline", "unknown"]);
const AGENT_READERS = ["admin", "maintenance", "duty_manager"] as const;

export async function registerAgentRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  app.get(
    "/api/agents",
    {
      schema: {
        querystring: z.object({ hallId: hallIdSchema.optional(), connectivity: connectivity.optional() }),
      },
    },
    async (request) => {
      const p = requireRole(request, AGENT_READERS);
      const { hallId, connectivity: c } = request.query;
      const presence = presenceOf(deps);
      await presence.fresh();
      const items = [...presence.allAgents()]
        .filter((a) => canSeeHall(p, a.hallId))
        .filter(
          (a) => (hallId === undefined || a.hallId === hallId) && (c === undefined || a.connectivity === c),
        )
        .sort((a, b) => a.agentId.localeCompare(b.agentId))
        .map(agentView);
      return { items };
    },
  );
  app.get(
    "/api/agents/:agentId",
    { schema: { params: z.object({ agentId: agentIdSchema }) } },
    async (request) => {
      const p = requireRole(request, AGENT_READERS);
      const presence = presenceOf(deps);
      await presence.fresh();
      const agent = presence.agent(request.params.agentId);
      if (!agent || !canSeeHall(p, agent.hallId)) {
        throw new ApiError("not_found", `no agent ${request.params.agentId} has been heard from`);
      }
      return agentView(agent);
    },
  );
}
