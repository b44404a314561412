import { z } from "zod";
import { canSeeHall } from "../../auth/principal.js";
import { caller } from "../../auth/request-auth.js";
import { hallIdSchema } from "../../contract/index.js";
import type { ApiDeps } from "../app.js";
import { ApiError } from "../errors.js";
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
      const report =
        request.query.preview === "true" ? readiness.preview(hallId) : await readiness.latest(hallId);
      return { hallId, report };
    },
  );
}
