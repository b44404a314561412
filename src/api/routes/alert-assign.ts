import { z } from "zod";
import type { AlertService } from "../../alerts/alert-service.js";
import { canSeeAlert, canSeeHall, hasAnyRole, type Principal } from "../../auth/principal.js";
import { caller } from "../../auth/request-auth.js";
import { hallIdSchema } from "../../contract/index.js";
import type { UserRecord } from "../../store/users.js";
import type { ApiDeps } from "../app.js";
import { auditor } from "../audit.js";
import { ApiError } from "../errors.js";
import type { TypedApp } from "./types.js";

/** Who may hand alerts out: the duty manager (and admins), for the halls they see. */
const ASSIGNERS = ["duty_manager"] as const;

const asPrincipal = (u: UserRecord): Principal => ({ ...u, via: "session" });

/** The enabled users whose hall scope includes `hallId`. */
async function peopleOf(deps: ApiDeps, hallId: string): Promise<UserRecord[]> {
  return (await deps.auth.users.list())
    .filter((u) => !u.disabled && canSeeHall(asPrincipal(u), hallId))
    .sort((a, b) => a.username.localeCompare(b.username));
}

/**
 * Assigning an alert to a person of its hall, and the list of those people (the assign form's choices, and the
 * display names the console shows for usernames on cards and timelines).
 */
export async function registerAlertAssignRoutes(
  app: TypedApp,
  deps: ApiDeps,
  alerts: AlertService,
): Promise<void> {
  const audit = auditor(deps);

  app.get(
    "/api/halls/:hallId/people",
    {
      schema: {
        description: "The enabled users whose hall scope includes the hall (username, display name, roles).",
        params: z.object({ hallId: hallIdSchema }),
      },
    },
    async (request) => {
      const p = caller(request);
      const { hallId } = request.params;
      if (!canSeeHall(p, hallId)) throw new ApiError("forbidden", `hall ${hallId} is not yours`);
      if (!deps.halls.get(hallId)) throw new ApiError("not_found", `no hall ${hallId}`);
      return {
        items: (await peopleOf(deps, hallId)).map((u) => ({
          username: u.username,
          displayName: u.displayName,
          roles: u.roles,
        })),
      };
    },
  );

  app.post(
    "/api/alerts/:id/assign",
    {
      schema: {
        description:
          "Assigns an active alert to a user of its hall whose role the alert is for (duty manager and admins only).",
        params: z.object({ id: z.string().min(1).max(64) }),
        body: z.strictObject({ username: z.string().min(1).max(64) }),
      },
    },
    async (request) => {
      const p = caller(request);
      const found = alerts.get(request.params.id);
      if (!found || !canSeeAlert(p, found.alert))
        throw new ApiError("not_found", `no alert ${request.params.id}`);
      if (!hasAnyRole(p, ASSIGNERS))
        throw new ApiError("forbidden", "only the duty manager or an admin assigns alerts");
      const { alert } = found;
      const { username } = request.body;
      const user = (await peopleOf(deps, alert.hallId)).find((u) => u.username === username);
      if (!user)
        throw new ApiError("assignee_not_in_hall", `${username} is not a user of hall ${alert.hallId}`);
      if (!canSeeAlert(asPrincipal(user), alert))
        throw new ApiError(
          "assignee_role",
          `alert ${alert.id} is for ${alert.audience.join(", ")}; ${username} is ${user.roles.join(", ")}`,
        );
      const result = alerts.assign(alert.id, username, p.username);
      if (result === null) throw new ApiError("not_found", `no alert ${alert.id}`);
      if ("error" in result) throw new ApiError("conflict", result.message);
      audit(
        p.username,
        request.ip,
        "alert_assigned",
        alert.id,
        { assignee: alert.assignee?.username ?? null },
        { assignee: username },
      );
      return result;
    },
  );
}
