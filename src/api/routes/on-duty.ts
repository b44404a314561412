import { z } from "zod";
import { canSeeHall } from "../../auth/principal.js";
import { caller } from "../../auth/request-auth.js";
import { hallIdSchema } from "../../contract/index.js";
import { currentAndNext, DUTY_ROLES, type DutyWindow } from "../../core/rosters/index.js";
import type { ApiDeps } from "../app.js";
import { ApiError } from "../errors.js";
import type { TypedApp } from "./types.js";

/** Who is on duty in a hall now and next, per role, with the people's names. */
export async function registerOnDutyRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const store = deps.rosters;
  if (!store) return;
  const now = deps.now ?? Date.now;

  const withNames = (span: DutyWindow | null, names: Map<string, string>) =>
    span && {
      fromMs: span.fromMs,
      toMs: span.toMs,
      people: span.usernames.map((username) => ({
        username,
        displayName: names.get(username) ?? username,
      })),
    };

  app.get(
    "/api/halls/:hallId/on-duty",
    {
      schema: {
        params: z.object({ hallId: hallIdSchema }),
        querystring: z.object({ atMs: z.coerce.number().int().min(0).optional() }),
      },
    },
    async (request) => {
      const { hallId } = request.params;
      const hall = deps.halls.get(hallId);
      if (!hall || !canSeeHall(caller(request), hallId)) throw new ApiError("not_found", `no hall ${hallId}`);
      const atMs = request.query.atMs ?? now();
      const rosters = await store.list();
      const names = new Map((await deps.auth.users.list()).map((u) => [u.username, u.displayName]));
      return {
        hallId,
        timeZone: hall.timeZone,
        atMs,
        roles: DUTY_ROLES.map((role) => {
          const { now: current, next } = currentAndNext(rosters, hallId, role, atMs);
          return { role, now: withNames(current, names), next: withNames(next, names) };
        }),
      };
    },
  );
}
