import { z } from "zod";
import { canSeeHall } from "../../auth/principal.js";
import { caller } from "../../auth/request-auth.js";
import { hallIdSchema } from "../../contract/index.js";
import {
  buildHallReport,
  lastCompletePeriod,
  reportCsv,
  reportFileName,
  reportHtml,
  reportRange,
} from "../../reports/hall-report.js";
import { uptimeRows } from "../../reports/uptime-rows.js";
import type { ApiDeps } from "../app.js";
import { ApiError } from "../errors.js";
import type { TypedApp } from "./types.js";

export async function registerReportRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const now = deps.now ?? Date.now;
  app.get(
    "/api/halls/:hallId/reports/:period",
    {
      schema: {
        params: z.object({ hallId: hallIdSchema, period: z.enum(["day", "week", "month"]) }),
        querystring: z.object({
          date: z.iso.date().optional(),
          format: z.enum(["json", "csv", "html"]).default("json"),
        }),
      },
    },
    async (request, reply) => {
      const { hallId, period } = request.params;
      const hall = deps.halls.get(hallId);
      if (!hall || !canSeeHall(caller(request), hallId)) throw new ApiError("not_found", `no hall ${hallId}`);
      const timeZone = deps.halls.openingHours(hallId)?.timeZone ?? hall.timeZone;
      const nowMs = now();
      const date = request.query.date ?? lastCompletePeriod(period, nowMs, timeZone);
      const { fromMs, toMs } = reportRange(period, date, timeZone);
      deps.aggregator.flush();
      const devices = [...deps.aggregator.presence.allDevices()].filter(
        (d) => d.hallId === hallId && !d.retired,
      );
      const alerts = deps.alerts
        ? deps.alerts.list({ hallIds: [hallId], fromMs, toMs, limit: 10_000, offset: 0 }).items
        : [];
      const report = buildHallReport({
        hallId,
        hallName: hall.name,
        period,
        fromMs,
        toMs,
        nowMs,
        rows: uptimeRows(deps, devices, fromMs, toMs, nowMs),
        alerts,
        inspections:
          deps.inspections && deps.inspections.listAssets(hallId, true).length > 0
            ? deps.inspections.compliance(hallId, fromMs, toMs).summary
            : null,
      });
      if (request.query.format === "csv") {
        return reply
          .header("content-type", "text/csv; charset=utf-8")
          .header(
            "content-disposition",
            `attachment; filename="${reportFileName(hallId, period, fromMs, timeZone, "csv")}"`,
          )
          .send(reportCsv(report));
      }
      if (request.query.format === "html") {
        return reply
          .header("content-type", "text/html; charset=utf-8")
          .header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'")
          .send(reportHtml(report, timeZone));
      }
      return report;
    },
  );
}
