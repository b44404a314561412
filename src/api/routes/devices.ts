import { z } from "zod";
import { canSeeHall } from "../../auth/principal.js";
import { caller } from "../../auth/request-auth.js";
import {
  type DeviceKind,
  deviceIdSchema,
  deviceKindSchema,
  hallIdSchema,
  SERIES_FIELDS,
} from "../../contract/index.js";
import { resolveRuleSettings } from "../../core/faults/config.js";
import type { ApiDeps } from "../app.js";
import { ApiError } from "../errors.js";
import { presenceOf } from "../presence-reads.js";
import { deviceView } from "../views.js";
import type { TypedApp } from "./types.js";

const DAY_MS = 86_400_000;

/** The pressure band a device's rules hold as normal (extinguisher: min–max; hydrant: above its low mark). */
function greenZone(
  deps: ApiDeps,
  device: { kind: DeviceKind; hallId: string; deviceId: string },
  field: string,
): { min: number; max: number | null } | null {
  if (!deps.rules || field !== "pressureMpa") return null;
  const settings = resolveRuleSettings(deps.rules, device.kind, device.hallId, device.deviceId);
  const zone = settings.get("pressure_out_of_zone");
  if (zone?.enabled && zone.params.minMpa !== undefined && zone.params.maxMpa !== undefined)
    return { min: zone.params.minMpa, max: zone.params.maxMpa };
  const low = settings.get("hydrant_low_pressure");
  if (low?.enabled && low.params.belowMpa !== undefined) return { min: low.params.belowMpa, max: null };
  return null;
}

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
      const presence = presenceOf(deps);
      await presence.fresh();
      const items = [...presence.allDevices()]
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
      const presence = presenceOf(deps);
      await presence.fresh();
      const device = presence.device(hallId, deviceId);
      if (!device || !canSeeHall(caller(request), hallId))
        throw new ApiError("not_found", `no device ${deviceId} in hall ${hallId}`);
      const nowMs = (deps.now ?? Date.now)();
      await deps.aggregator.flushForReads();
      return {
        ...deviceView(device),
        recentEvents: await deps.aggregator.events.recent(hallId, deviceId, request.query.eventLimit),
        connectivityHistory: await deps.aggregator.history.connectivityHistory(
          hallId,
          deviceId,
          nowMs - DAY_MS,
          nowMs,
        ),
      };
    },
  );
  app.get(
    "/api/devices/:hallId/:deviceId/series",
    {
      schema: {
        params: z.object({ hallId: hallIdSchema, deviceId: deviceIdSchema }),
        querystring: z.object({
          field: z.string().min(1).max(64),
          fromMs: z.coerce.number().int().min(0).optional(),
          toMs: z.coerce.number().int().min(0).optional(),
        }),
      },
    },
    async (request) => {
      const { hallId, deviceId } = request.params;
      const presence = presenceOf(deps);
      await presence.fresh();
      const device = presence.device(hallId, deviceId);
      if (!device || !canSeeHall(caller(request), hallId))
        throw new ApiError("not_found", `no device ${deviceId} in hall ${hallId}`);
      const q = request.query;
      const fields = SERIES_FIELDS[device.kind];
      if (!Object.hasOwn(fields, q.field))
        throw new ApiError(
          "bad_request",
          `a ${device.kind} has no numeric field ${q.field}; one of ${Object.keys(fields).join(", ")}`,
        );
      const toMs = q.toMs ?? (deps.now ?? Date.now)();
      const fromMs = q.fromMs ?? toMs - DAY_MS;
      if (toMs <= fromMs) throw new ApiError("bad_request", "toMs must be after fromMs");
      await deps.aggregator.flushForReads();
      return {
        field: q.field,
        unit: fields[q.field] ?? null,
        greenZone: greenZone(deps, device, q.field),
        points: await deps.aggregator.series.range(hallId, deviceId, q.field, fromMs, toMs),
      };
    },
  );
}
