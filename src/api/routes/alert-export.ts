import { z } from "zod";
import type { AlertService } from "../../alerts/alert-service.js";
import { hallScope, isAdmin, type Principal } from "../../auth/principal.js";
import { caller } from "../../auth/request-auth.js";
import { deviceIdSchema, deviceKindSchema, hallIdSchema, severitySchema } from "../../contract/index.js";
import type { Alert } from "../../core/alerts/alert.js";
import type { ApiDeps } from "../app.js";
import { toCsv } from "../csv.js";
import { ApiError } from "../errors.js";
import { presenceOf } from "../presence-reads.js";
import type { TypedApp } from "./types.js";

/** The filters of GET /api/alerts, shared with its CSV export. */
export const alertFilterSchema = z.object({
  hallId: hallIdSchema.optional(),
  deviceId: deviceIdSchema.optional(),
  kind: deviceKindSchema.optional(),
  severity: severitySchema.optional(),
  status: z.enum(["open", "acknowledged", "resolved", "active"]).optional(),
  faultType: z.string().max(64).optional(),
  fromMs: z.coerce.number().int().min(0).optional(),
  toMs: z.coerce.number().int().min(0).optional(),
});

/** Roles whose users see only the alerts addressed to them (the duty manager and admins see all of their halls). */
export function audienceFilter(p: Principal): string[] | undefined {
  return isAdmin(p) || p.roles.includes("duty_manager") ? undefined : p.roles;
}

/** The hall filter a caller may use: their scope, narrowed to `hallId` if asked (nothing if it is not theirs). */
export function scopedHalls(p: Principal, hallId: string | undefined): string[] | undefined {
  const scope = hallScope(p);
  return hallId ? (scope && !scope.includes(hallId) ? [] : [hallId]) : scope;
}

const MAX_ROWS = 50_000;
const PAGE = 500;

const COLUMNS = [
  "id",
  "hall",
  "device",
  "device_name",
  "agent",
  "kind",
  "fault",
  "summary",
  "severity",
  "status",
  "opened_local",
  "opened_ms",
  "last_seen_local",
  "last_observed",
  "count",
  "acknowledged_by",
  "assignee",
  "last_comment",
  "resolved_local",
  "resolved_by",
  "resolved_reason",
  "affected",
] as const;

/** "2026-12-01 05:58:00" in a time zone (sv-SE formats dates the ISO way). */
function localTime(ms: number | null | undefined, timeZone: string): string {
  if (ms === null || ms === undefined) return "";
  return new Intl.DateTimeFormat("sv-SE", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).format(ms);
}

/** GET /api/alerts.csv: the alert list with the same filters and scope as GET /api/alerts, every page at once. */
export async function registerAlertExportRoute(
  app: TypedApp,
  deps: ApiDeps,
  alerts: AlertService,
): Promise<void> {
  const now = deps.now ?? Date.now;
  app.get(
    "/api/alerts.csv",
    {
      schema: {
        description:
          "The alerts GET /api/alerts would list (same filters and scope), every row, as CSV (text/csv, UTF-8 with BOM); text cells that start with = + - @ are prefixed with ' against formula injection.",
        querystring: alertFilterSchema.extend({ lang: z.enum(["zh", "en"]).optional() }),
      },
    },
    async (request, reply) => {
      const p = caller(request);
      const { hallId, lang: asked, ...rest } = request.query;
      const lang = asked ?? p.language;
      const filter = { ...rest, hallIds: scopedHalls(p, hallId), audienceAnyOf: audienceFilter(p) };
      const items: Alert[] = [];
      for (let offset = 0; offset < MAX_ROWS; offset += PAGE) {
        const page = await alerts.list({ ...filter, limit: PAGE, offset });
        items.push(...page.items);
        if (offset + PAGE >= page.total) break;
      }
      if (items.length >= MAX_ROWS)
        throw new ApiError("bad_request", `more than ${MAX_ROWS} alerts: narrow the time range`);
      const zones = new Map<string, string>();
      const zoneOf = (id: string) => {
        if (!zones.has(id)) zones.set(id, deps.halls.get(id)?.timeZone ?? "UTC");
        return zones.get(id) as string;
      };
      const presence = presenceOf(deps);
      await presence.fresh();
      const rows = items.map((a) => {
        const tz = zoneOf(a.hallId);
        const observed = a.lastObserved;
        return [
          a.id,
          a.hallId,
          a.deviceId,
          a.deviceId ? (presence.device(a.hallId, a.deviceId)?.name ?? null) : null,
          a.agentId,
          a.kind,
          a.faultType,
          a.summary[lang],
          a.severity,
          a.status,
          localTime(a.openedMs, tz),
          a.openedMs,
          localTime(a.lastSeenMs, tz),
          typeof observed === "boolean" ? String(observed) : observed,
          a.count,
          a.acknowledged?.by ?? null,
          a.assignee?.username ?? null,
          a.lastComment?.text ?? null,
          localTime(a.resolved?.atMs, tz),
          a.resolved?.by ?? null,
          a.resolved?.reason ?? null,
          a.affected.join(" "),
        ];
      });
      const day = localTime(now(), hallId ? zoneOf(hallId) : "UTC")
        .slice(0, 10)
        .replaceAll("-", "");
      reply
        .header("content-type", "text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="alerts-${hallId ?? "all"}-${day}.csv"`);
      return toCsv([[...COLUMNS], ...rows]);
    },
  );
}
