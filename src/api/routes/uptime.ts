import { DateTime } from "luxon";
import { z } from "zod";
import { canSeeHall } from "../../auth/principal.js";
import { caller } from "../../auth/request-auth.js";
import { deviceIdSchema, deviceKindSchema, hallIdSchema } from "../../contract/index.js";
import { type Availability, sumAvailability } from "../../core/uptime/availability.js";
import { deviceAvailability, uptimeRows } from "../../reports/uptime-rows.js";
import type { ApiDeps } from "../app.js";
import { ApiError } from "../errors.js";
import type { TypedApp } from "./types.js";

const DAY_MS = 86_400_000;

export async function registerUptimeRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const now = deps.now ?? Date.now;

  app.get(
    "/api/uptime",
    {
      schema: {
        querystring: z.object({
          hallId: hallIdSchema.optional(),
          kind: deviceKindSchema.optional(),
          deviceId: deviceIdSchema.optional(),
          fromMs: z.coerce.number().int().min(0).optional(),
          toMs: z.coerce.number().int().min(0).optional(),
          bucket: z.enum(["day", "week", "month"]).optional(),
          format: z.enum(["json", "csv"]).default("json"),
        }),
      },
    },
    async (request, reply) => {
      const p = caller(request);
      const q = request.query;
      const nowMs = now();
      const toMs = q.toMs ?? nowMs;
      const fromMs = q.fromMs ?? toMs - DAY_MS;
      if (toMs <= fromMs) throw new ApiError("bad_request", "toMs must be after fromMs");
      if (toMs - fromMs > 400 * DAY_MS) throw new ApiError("bad_request", "a range of at most 400 days");
      if (q.bucket && !q.hallId)
        throw new ApiError("bad_request", "bucket needs a hallId (buckets follow the hall's time zone)");
      deps.aggregator.flush();
      const devices = [...deps.aggregator.presence.allDevices()].filter(
        (d) =>
          !d.retired &&
          canSeeHall(p, d.hallId) &&
          (q.hallId === undefined || d.hallId === q.hallId) &&
          (q.kind === undefined || d.kind === q.kind) &&
          (q.deviceId === undefined || d.deviceId === q.deviceId),
      );
      const rows = uptimeRows(deps, devices, fromMs, toMs, nowMs);
      if (q.format === "csv") {
        const header =
          "hallId,deviceId,kind,expectedMs,upMs,downMs,unknownMs,maintenanceMs,availability,failures,mtbfMs,mttrMs";
        const lines = rows.map((r) =>
          [
            r.hallId,
            r.deviceId,
            r.kind,
            r.expectedMs,
            r.upMs,
            r.downMs,
            r.unknownMs,
            r.maintenanceMs,
            r.ratio ?? "",
            r.failures,
            r.mtbfMs ?? "",
            r.mttrMs ?? "",
          ].join(","),
        );
        return reply
          .header("content-type", "text/csv; charset=utf-8")
          .send(`${[header, ...lines].join("\n")}\n`);
      }
      const group = (key: (r: (typeof rows)[number]) => string) => {
        const groups = new Map<string, Availability[]>();
        for (const r of rows) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
        return Object.fromEntries([...groups].map(([k, items]) => [k, sumAvailability(items)]));
      };
      let buckets: { startMs: number; endMs: number; totals: Availability }[] | undefined;
      if (q.bucket && q.hallId) {
        const zone =
          deps.halls.openingHours(q.hallId)?.timeZone ??
          deps.halls.get(q.hallId)?.timeZone ??
          "Asia/Shanghai";
        buckets = [];
        let start = DateTime.fromMillis(fromMs, { zone }).startOf(q.bucket);
        while (start.toMillis() < toMs) {
          const next = start.plus({ [`${q.bucket}s`]: 1 });
          const b0 = Math.max(fromMs, start.toMillis());
          const b1 = Math.min(toMs, next.toMillis());
          buckets.push({
            startMs: b0,
            endMs: b1,
            totals: sumAvailability(devices.map((d) => deviceAvailability(deps, d, b0, b1, nowMs))),
          });
          start = next;
        }
      }
      return {
        fromMs,
        toMs,
        items: rows,
        byKind: group((r) => r.kind),
        byHall: group((r) => r.hallId),
        ...(buckets ? { buckets } : {}),
      };
    },
  );
}
