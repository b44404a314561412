import { z } from "zod";
import { hallIdSchema } from "../../contract/index.js";
import type { ApiDeps } from "../app.js";
import { ApiError } from "../errors.js";
import type { TypedApp } from "./types.js";

function countsByHall(deps: ApiDeps) {
  const counts = new Map<string, { online: number; offline: number; unknown: number; total: number }>();
  for (const d of deps.aggregator.presence.allDevices()) {
    if (d.retired) continue;
    const c = counts.get(d.hallId) ?? { online: 0, offline: 0, unknown: 0, total: 0 };
    c[d.connectivity] += 1;
    c.total += 1;
    counts.set(d.hallId, c);
  }
  return counts;
}

export async function registerHallRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  app.get("/api/halls", async () => {
    const counts = countsByHall(deps);
    return {
      items: deps.halls.list().map((h) => ({
        ...h,
        devices: counts.get(h.id) ?? { online: 0, offline: 0, unknown: 0, total: 0 },
      })),
    };
  });
  app.get(
    "/api/halls/:hallId",
    { schema: { params: z.object({ hallId: hallIdSchema }) } },
    async (request) => {
      const hall = deps.halls.get(request.params.hallId);
      if (!hall) throw new ApiError("not_found", `no hall ${request.params.hallId}`);
      return {
        ...hall,
        devices: countsByHall(deps).get(hall.id) ?? { online: 0, offline: 0, unknown: 0, total: 0 },
      };
    },
  );
}
