import { z } from "zod";
import { canSeeHall } from "../../auth/principal.js";
import { caller } from "../../auth/request-auth.js";
import { hallIdSchema } from "../../contract/index.js";
import { generateHallReport, reportTimeZone } from "../../reports/generate.js";
import { lastCompletePeriod, reportCsv, reportFileName, reportHtml } from "../../reports/hall-report.js";
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
      const zone = reportTimeZone(deps.halls, hallId);
      if (!zone || !canSeeHall(caller(request), hallId)) throw new ApiError("not_found", `no hall ${hallId}`);
      const nowMs = now();
      const date = request.query.date ?? lastCompletePeriod(period, nowMs, zone);
      const generated = await generateHallReport(deps, hallId, period, date, nowMs);
      if (!generated) throw new ApiError("not_found", `no hall ${hallId}`);
      const { report, timeZone } = generated;
      if (request.query.format === "csv") {
        return reply
          .header("content-type", "text/csv; charset=utf-8")
          .header(
            "content-disposition",
            `attachment; filename="${reportFileName(hallId, period, report.fromMs, timeZone, "csv")}"`,
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
