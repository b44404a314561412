import { DateTime } from "luxon";
import { z } from "zod";
import { canSeeHall } from "../../auth/principal.js";
import { caller } from "../../auth/request-auth.js";
import { deviceIdSchema, deviceKindSchema, hallIdSchema } from "../../contract/index.js";
import { type Availability, sumAvailability } from "../../core/uptime/availability.js";
import { sumReliability } from "../../core/uptime/reliability.js";
import { deviceAvailabilityPerRange, uptimeRows } from "../../reports/uptime-rows.js";
import { turnTaker } from "../../util/turns.js";
import type { ApiDeps } from "../app.js";
import { ApiError } from "../errors.js";
import { presenceOf } from "../presence-reads.js";
import type { TypedApp } from "./types.js";

const DAY_MS = 86_400_000;

interface Bucket {
  startMs: number;
  endMs: number;
  totals: Availability;
  byKind?: Record<string, Availability>;
  byDevice?: Record<string, Availability>;
}

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
          bucket: z.enum(["hour", "day", "week", "month"]).optional(),
          /** With a bucket: each bucket's figures per device and per kind too (the console's status bars). */
          perDevice: z.enum(["true", "false"]).optional(),
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
      if (q.bucket === "hour" && toMs - fromMs > 7 * DAY_MS)
        throw new ApiError("bad_request", "hourly buckets for a range of at most 7 days");
      if (q.bucket && !q.hallId)
        throw new ApiError("bad_request", "bucket needs a hallId (buckets follow the hall's time zone)");
      await deps.aggregator.flushForReads(); // the connectivity history read below
      const presence = presenceOf(deps);
      await presence.fresh();
      const devices = [...presence.allDevices()].filter(
        (d) =>
          !d.retired &&
          canSeeHall(p, d.hallId) &&
          (q.hallId === undefined || d.hallId === q.hallId) &&
          (q.kind === undefined || d.kind === q.kind) &&
          (q.deviceId === undefined || d.deviceId === q.deviceId),
      );
      const rows = await uptimeRows(deps, devices, fromMs, toMs, nowMs);
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
        const groups = new Map<string, (typeof rows)[number][]>();
        for (const r of rows) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
        return Object.fromEntries(
          [...groups].map(([k, items]) => {
            const totals = sumAvailability(items);
            return [k, { ...totals, ...sumReliability(items, totals.upMs) }];
          }),
        );
      };
      let buckets: Bucket[] | undefined;
      if (q.bucket && q.hallId) {
        const zone =
          deps.halls.openingHours(q.hallId)?.timeZone ??
          (await deps.halls.find(q.hallId))?.timeZone ??
          "Asia/Shanghai";
        const ranges: { startMs: number; endMs: number }[] = [];
        let start = DateTime.fromMillis(fromMs, { zone }).startOf(q.bucket);
        while (start.toMillis() < toMs) {
          const next = start.plus({ [`${q.bucket}s`]: 1 });
          ranges.push({
            startMs: Math.max(fromMs, start.toMillis()),
            endMs: Math.min(toMs, next.toMillis()),
          });
          start = next;
        }
        const perDevice: Availability[][] = [];
        const yieldNow = turnTaker();
        for (const d of devices) {
          await yieldNow();
          perDevice.push(await deviceAvailabilityPerRange(deps, d, ranges, nowMs));
        }
        buckets = ranges.map((r, i) => {
          const figures = perDevice.map((f) => f[i] as Availability);
          if (q.perDevice !== "true") return { ...r, totals: sumAvailability(figures) };
          const byKind = new Map<string, Availability[]>();
          for (const [j, d] of devices.entries())
            byKind.set(d.kind, [...(byKind.get(d.kind) ?? []), figures[j] as Availability]);
          return {
            ...r,
            totals: sumAvailability(figures),
            byKind: Object.fromEntries([...byKind].map(([k, items]) => [k, sumAvailability(items)])),
            byDevice: Object.fromEntries(devices.map((d, j) => [d.deviceId, figures[j] as Availability])),
          };
        });
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
