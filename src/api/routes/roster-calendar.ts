import ical from "ical-generator";
import { DateTime } from "luxon";
import { z } from "zod";
import { caller } from "../../auth/request-auth.js";
import { type DutyRole, shiftsOf } from "../../core/rosters/index.js";
import type { ApiDeps } from "../app.js";
import { auditor } from "../audit.js";
import { ApiError } from "../errors.js";
import type { TypedApp } from "./types.js";

const ROLE_TITLES: Record<"zh" | "en", Record<DutyRole, string>> = {
  zh: { duty_manager: "值班经理", maintenance: "维护", security: "保安", floor_staff: "导办" },
  en: {
    duty_manager: "Duty manager",
    maintenance: "Maintenance",
    security: "Security",
    floor_staff: "Floor staff",
  },
};
const HOST_RE = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;
const FEED_RE = /^([A-Za-z0-9_-]{32,64})\.ics$/;
const WEEK_MS = 7 * 86_400_000;

/**
 * Each person's shifts as an iCalendar feed behind a secret URL: phone calendars cannot sign in, so the token
 * alone opens it (stored hashed, rotatable); a wrong token is a plain 404.
 */
export async function registerRosterCalendarRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const store = deps.rosters;
  if (!store) return;
  const now = deps.now ?? Date.now;
  const audit = auditor(deps);

  const feedUrl = (request: { protocol: string; host: string }, token: string) => {
    let base = deps.publicUrl;
    if (!base) {
      if (!HOST_RE.test(request.host ?? ""))
        throw new ApiError("conflict", "set HALLWATCH_PUBLIC_URL to the console's address");
      base = `${request.protocol === "https" ? "https" : "http"}://${request.host}`;
    }
    return `${base.replace(/\/+$/, "")}/ical/${token}.ics`;
  };
  const urlBody = z.object({ url: z.string() });

  app.get("/api/me/calendar-url", { schema: { response: { 200: urlBody } } }, async (request) => ({
    url: feedUrl(request, await store.feedToken(caller(request).username, now())),
  }));

  app.post("/api/me/calendar-url/rotate", { schema: { response: { 200: urlBody } } }, async (request) => {
    const p = caller(request);
    const url = feedUrl(request, await store.rotateFeedToken(p.username, now()));
    audit(p.username, request.ip, "calendar_url_rotated", p.username);
    return { url };
  });

  app.get(
    "/ical/:file",
    {
      schema: {
        hide: true,
        params: z.object({ file: z.string().max(100) }),
        querystring: z.object({ weeks: z.coerce.number().int().min(1).max(26).optional() }),
      },
    },
    async (request, reply) => {
      const token = FEED_RE.exec(request.params.file)?.[1];
      const username = token ? await store.feedOwner(token) : null;
      const user = username ? await deps.auth.users.get(username) : null;
      if (!user || user.disabled) throw new ApiError("not_found", "no such calendar");
      // From the start of last week (UTC) through the next N weeks: whole weeks, whatever the hour.
      const weekStart = DateTime.fromMillis(now(), { zone: "UTC" }).startOf("week").toMillis();
      const fromMs = weekStart - WEEK_MS;
      const toMs = weekStart + (request.query.weeks ?? 8) * WEEK_MS;
      const lang = user.language;
      const calendar = ical({
        name: lang === "zh" ? "值班表" : "Duty shifts",
        prodId: "-//Hallwatch//Rosters//EN",
      });
      for (const shift of shiftsOf(await store.list(), user.username, fromMs, toMs)) {
        const halls =
          shift.hallIds.length <= 3
            ? shift.hallIds.map((id) => deps.halls.get(id)?.name ?? id).join(", ")
            : shift.rosterName;
        calendar.createEvent({
          id: `${shift.rosterId}-${shift.role}-${shift.startMs}@hallwatch`,
          stamp: DateTime.fromMillis(now(), { zone: "UTC" }),
          start: DateTime.fromMillis(shift.startMs, { zone: shift.timeZone }),
          end: DateTime.fromMillis(shift.endMs, { zone: shift.timeZone }),
          timezone: shift.timeZone,
          summary: `${halls} · ${ROLE_TITLES[lang][shift.role]}`,
        });
      }
      return reply
        .header("content-type", "text/calendar; charset=utf-8")
        .header("cache-control", "private, no-store")
        .send(calendar.toString());
    },
  );
}
