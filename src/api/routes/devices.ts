import { z } from "zod";
import { canSeeHall } from "../../auth/principal.js";
import { caller } from "../../auth/request-auth.js";
import { deviceIdSchema, deviceKindSchema, hallIdSchema } from "../../contract/index.js";
import type { ApiDeps } from "../app.js";
import { ApiError } from "../errors.js";
import { deviceView } from "../views.js";
import type { TypedApp } from "./types.js";

const DAY_MS = 86_400_000;

export async function registerDeviceRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  app.get(
    "/api/devices",
    {
      schema: {
        querystring: z.object({
          hallId: hallIdSchema.optional(),
          kind: deviceKindSchema.optional(),
          connectivity: z.enum(["online", "offline", "unknown"]).optional(),
          zone: z.string().optional(),
          includeRetired: z.enum(["true", "false"]).optional(),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      const p = caller(request);
      const items = [...deps.aggregator.presence.allDevices()]
        .filter(
          (d) =>
            canSeeHall(p, d.hallId) &&
            (q.includeRetired === "true" || !d.retired) &&
            (q.hallId === undefined || d.hallId === q.hallId) &&
            (q.kind === undefined || d.kind === q.kind) &&
            (q.connectivity === undefined || d.connectivity === q.connectivity) &&
            (q.zone === undefined || d.zone === q.zone),
        )
        .sort((a, b) => a.hallId.localeCompare(b.hallId) || a.deviceId.localeCompare(b.deviceId))
        .map(deviceView);
      return { items };
    },
  );
  app.get(
    "/api/devices/:hallId/:deviceId",
    {
      schema: {
        params: z.object({ hallId: hallIdSchema, deviceId: deviceIdSchema }),
        querystring: z.object({ eventLimit: z.coerce.number().int().min(1).max(500).default(50) }),
      },
    },
    async (request) => {
      const { hallId, deviceId } = request.params;
      const device = deps.aggregator.presence.device(hallId, deviceId);
      if (!device || !canSeeHall(caller(request), hallId))
        throw new ApiError("not_found", `no device ${deviceId} in hall ${hallId}`);
      const nowMs = (deps.now ?? Date.now)();
      deps.aggregator.flush();
      return {
        ...deviceView(device),
        recentEvents: deps.aggregator.events.recent(hallId, deviceId, request.query.eventLimit),
        connectivityHistory: deps.aggregator.history.connectivityHistory(
          hallId,
          deviceId,
          nowMs - DAY_MS,
          nowMs,
        ),
      };
    },
  );
}
