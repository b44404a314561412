import { z } from "zod";
import { canSeeHall, isAdmin, type Principal } from "../../auth/principal.js";
import { caller } from "../../auth/request-auth.js";
import { hallIdSchema } from "../../contract/index.js";
import { nextDueMs, REPORT_KINDS, reportScheduleSchema } from "../../core/reports/schedule.js";
import { isProviderType } from "../../notify/channels.js";
import { reportTimeZone } from "../../reports/generate.js";
import type { ApiDeps } from "../app.js";
import { auditor } from "../audit.js";
import { ApiError } from "../errors.js";
import type { TypedApp } from "./types.js";

/** Admins, and the duty manager of the hall (the hall in their scope). */
const canEditSchedule = (p: Principal, hallId: string) =>
  isAdmin(p) || (p.roles.includes("duty_manager") && canSeeHall(p, hallId));

/** Each hall's scheduled reports: when they go out and to whom (docs/notifications.md "Scheduled reports"). */
export async function registerReportScheduleRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const schedules = deps.reportSchedules;
  if (!schedules) return;
  const audit = auditor(deps);
  const now = deps.now ?? Date.now;
  const params = z.object({ hallId: hallIdSchema });

  const view = async (hallId: string, p: Principal) => {
    const stored = await schedules.get(hallId);
    const hours = deps.halls.openingHours(hallId);
    const timeZone = reportTimeZone(deps.halls, hallId) as string;
    const nowMs = now();
    const next = Object.fromEntries(
      REPORT_KINDS.map((kind) => {
        const ms = nextDueMs(kind, stored.schedule, hours, timeZone, nowMs);
        return [kind, ms === null ? null : new Date(ms).toISOString()];
      }),
    );
    const canEdit = canEditSchedule(p, hallId);
    return {
      hallId,
      timeZone,
      ...stored,
      next,
      lastSent: await schedules.lastSent(hallId),
      canEdit,
      // Editors choose among the group channels by name (the channel list itself is for admins only).
      channels: canEdit
        ? ((await deps.notify?.store.channels()) ?? [])
            // Personal providers (SMS, WeCom app, DingTalk notice) have no group to send a report to.
            .filter((c) => !isProviderType(c.config.type))
            .map((c) => ({ id: c.id, name: c.name, type: c.config.type }))
        : [],
    };
  };

  app.get("/api/halls/:hallId/report-schedule", { schema: { params } }, async (request) => {
    const p = caller(request);
    const { hallId } = request.params;
    if (!(await deps.halls.find(hallId)) || !canSeeHall(p, hallId))
      throw new ApiError("not_found", `no hall ${hallId}`);
    return view(hallId, p);
  });

  app.put(
    "/api/halls/:hallId/report-schedule",
    { schema: { params, body: reportScheduleSchema } },
    async (request) => {
      const p = caller(request);
      const { hallId } = request.params;
      if (!canEditSchedule(p, hallId))
        throw new ApiError("forbidden", "only admins and the hall's duty manager edit its report schedule");
      if (!(await deps.halls.find(hallId))) throw new ApiError("not_found", `no hall ${hallId}`);
      const schedule = request.body;
      const unknown: string[] = [];
      for (const id of [...schedule.channelIds, ...schedule.hqChannelIds])
        if (!(await deps.notify?.store.channel(id))) unknown.push(id);
      if (unknown.length > 0)
        throw new ApiError(
          "unknown_channel",
          `no notification channel ${unknown.join(", ")}`,
          unknown.map((id) => ({
            path: schedule.channelIds.includes(id) ? "/channelIds" : "/hqChannelIds",
            id,
          })),
        );
      const before = await schedules.get(hallId);
      await schedules.put(hallId, schedule, p.username, now());
      audit(
        p.username,
        request.ip,
        "report_schedule_changed",
        hallId,
        before.stored ? before.schedule : null,
        schedule,
      );
      return view(hallId, p);
    },
  );
}
