import { z } from "zod";
import { canSeeHall } from "../../auth/principal.js";
import { caller, requireRole } from "../../auth/request-auth.js";
import { hallIdSchema } from "../../contract/index.js";
import { maintenanceWindowSchema } from "../../core/calendar/maintenance.js";
import type { ApiDeps } from "../app.js";
import { auditor } from "../audit.js";
import { ApiError } from "../errors.js";
import type { TypedApp } from "./types.js";

const PLANNERS = ["admin", "duty_manager", "maintenance"] as const;

/** Maintenance windows: planned by maintenance and the duty manager, with who and why, audited. */
export async function registerMaintenanceRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const audit = auditor(deps);
  const calendar = deps.maintenance;
  if (!calendar) return;
  const now = deps.now ?? Date.now;
  const params = z.object({ hallId: hallIdSchema });

  app.get("/api/halls/:hallId/maintenance-windows", { schema: { params } }, async (request) => {
    const { hallId } = request.params;
    if (!deps.halls.get(hallId) || !canSeeHall(caller(request), hallId))
      throw new ApiError("not_found", `no hall ${hallId}`);
    return { items: await calendar.list(hallId) };
  });

  app.post(
    "/api/halls/:hallId/maintenance-windows",
    { schema: { params, body: maintenanceWindowSchema } },
    async (request) => {
      const p = requireRole(request, PLANNERS);
      const { hallId } = request.params;
      if (!deps.halls.get(hallId) || !canSeeHall(p, hallId))
        throw new ApiError("not_found", `no hall ${hallId}`);
      const window = await calendar.add(hallId, request.body, p.username, now());
      audit(p.username, request.ip, "maintenance_window_added", window.id, undefined, window);
      return window;
    },
  );

  app.delete(
    "/api/maintenance-windows/:id",
    { schema: { params: z.object({ id: z.string().uuid() }) } },
    async (request) => {
      const p = requireRole(request, PLANNERS);
      const existing = await calendar.get(request.params.id);
      if (!existing || !canSeeHall(p, existing.hallId)) throw new ApiError("not_found", "no such window");
      const removed = await calendar.remove(request.params.id, now());
      if (!removed) throw new ApiError("not_found", "no such window");
      audit(p.username, request.ip, "maintenance_window_removed", removed.id, removed, undefined);
      return { ok: true };
    },
  );
}
