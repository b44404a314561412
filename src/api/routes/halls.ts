import { z } from "zod";
import { canSeeHall } from "../../auth/principal.js";
import { caller, requireRole } from "../../auth/request-auth.js";
import { hallIdSchema } from "../../contract/index.js";
import { openingHoursSchema } from "../../core/calendar/opening-hours.js";
import type { ApiDeps } from "../app.js";
import { auditor } from "../audit.js";
import { ApiError } from "../errors.js";
import { presenceOf } from "../presence-reads.js";
import type { TypedApp } from "./types.js";

const NONE = { online: 0, offline: 0, unknown: 0, total: 0 };

async function countsByHall(deps: ApiDeps) {
  const presence = presenceOf(deps);
  await presence.fresh();
  const counts = new Map<string, { online: number; offline: number; unknown: number; total: number }>();
  for (const d of presence.allDevices()) {
    if (d.retired) continue;
    const c = counts.get(d.hallId) ?? { ...NONE };
    c[d.connectivity] += 1;
    c.total += 1;
    counts.set(d.hallId, c);
  }
  return counts;
}

export async function registerHallRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const audit = auditor(deps);
  app.get("/api/halls", async (request) => {
    const p = caller(request);
    const counts = await countsByHall(deps);
    const items = deps.halls
      .list()
      .filter((h) => canSeeHall(p, h.id))
      .map((h) => ({ ...h, devices: counts.get(h.id) ?? NONE }));
    return { items };
  });
  app.get(
    "/api/halls/:hallId",
    { schema: { params: z.object({ hallId: hallIdSchema }) } },
    async (request) => {
      const hall = await deps.halls.find(request.params.hallId);
      // Halls outside the caller's scope look exactly like halls that do not exist.
      if (!hall || !canSeeHall(caller(request), hall.id))
        throw new ApiError("not_found", `no hall ${request.params.hallId}`);
      return { ...hall, devices: (await countsByHall(deps)).get(hall.id) ?? NONE };
    },
  );

  const params = z.object({ hallId: hallIdSchema });
  app.get("/api/halls/:hallId/opening-hours", { schema: { params } }, async (request) => {
    const { hallId } = request.params;
    if (!(await deps.halls.find(hallId)) || !canSeeHall(caller(request), hallId))
      throw new ApiError("not_found", `no hall ${hallId}`);
    return { hallId, openingHours: deps.halls.openingHours(hallId) };
  });
  app.put(
    "/api/halls/:hallId/opening-hours",
    { schema: { params, body: z.strictObject({ openingHours: openingHoursSchema.nullable() }) } },
    async (request) => {
      const p = requireRole(request, ["admin", "duty_manager"]);
      const { hallId } = request.params;
      if (!(await deps.halls.find(hallId)) || !canSeeHall(p, hallId))
        throw new ApiError("not_found", `no hall ${hallId}`);
      const before = deps.halls.openingHours(hallId);
      deps.halls.setOpeningHours(hallId, request.body.openingHours);
      deps.alerts?.openingHoursChanged(hallId);
      audit(p.username, request.ip, "opening_hours_changed", hallId, before, request.body.openingHours);
      return { hallId, openingHours: request.body.openingHours };
    },
  );
}
