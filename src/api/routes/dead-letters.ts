import { z } from "zod";
import { requireRole } from "../../auth/request-auth.js";
import type { ApiDeps } from "../app.js";
import type { TypedApp } from "./types.js";

export async function registerDeadLetterRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  app.get(
    "/api/dead-letters",
    {
      schema: {
        querystring: z.object({
          reason: z.string().max(32).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
          beforeId: z.coerce.number().int().min(1).optional(),
        }),
      },
    },
    async (request) => {
      requireRole(request, ["admin"]);
      await deps.aggregator.flushForReads();
      const stats = deps.aggregator.stats();
      return {
        countsByReason: stats.deadLettersByReason,
        notStored: stats.deadLetterOverflow,
        items: await deps.aggregator.deadLetterArchive.recent(request.query),
      };
    },
  );
}
