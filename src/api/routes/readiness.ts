import { z } from "zod";
import { canSeeHall } from "../../auth/principal.js";
import { caller } from "../../auth/request-auth.js";
import { hallIdSchema } from "../../contract/index.js";
import type { ApiDeps } from "../app.js";
import { ApiError } from "../errors.js";
import { presenceOf } from "../presence-reads.js";
import type { TypedApp } from "./types.js";

export async function registerReadinessRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const readiness = deps.readiness;
  if (!readiness) return;
  app.get(
    "/api/halls/:hallId/readiness",
    {
      schema: {
        params: z.object({ hallId: hallIdSchema }),
        querystring: z.object({ preview: z.enum(["true", "false"]).default("false") }),
      },
    },
    async (request) => {
      const { hallId } = request.params;
      if (!(await deps.halls.find(hallId)) || !canSeeHall(caller(request), hallId))
        throw new ApiError("not_found", `no hall ${hallId}`);
      if (request.query.preview !== "true") return { hallId, report: await readiness.latest(hallId) };
      const owned = deps.aggregator.ownedHalls;
      if (!owned || owned.has(hallId)) return { hallId, report: readiness.preview(hallId) };
      // Another node owns the hall (several nodes): its devices and open alerts as the database has them.
      const presence = presenceOf(deps);
      await presence.fresh();
      const alerts = deps.alerts
        ? (await deps.alerts.list({ hallIds: [hallId], status: "active", limit: 500, offset: 0 })).items
        : [];
      return { hallId, report: readiness.preview(hallId, { devices: presence.allDevices(), alerts }) };
    },
  );
}
