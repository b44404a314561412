import { z } from "zod";
import { alertEvent } from "../../alerts/alert-publisher.js";
import type { AlertChange, AlertService } from "../../alerts/alert-service.js";
import { canActOnAlert, canSeeAlert, isAdmin, type Principal } from "../../auth/principal.js";
import { caller } from "../../auth/request-auth.js";
import type { AlertEvent } from "../../contract/index.js";
import type { ApiDeps } from "../app.js";
import { auditor } from "../audit.js";
import { ApiError } from "../errors.js";
import { registerAlertAssignRoutes } from "./alert-assign.js";
import { alertFilterSchema, audienceFilter, registerAlertExportRoute, scopedHalls } from "./alert-export.js";
import type { TypedApp } from "./types.js";

const idParams = z.object({ id: z.string().min(1).max(64) });
const SSE_HEARTBEAT_MS = 15_000;

export async function registerAlertRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const alerts = deps.alerts;
  if (!alerts) return;
  const record = auditor(deps);
  const audit = (p: Principal, ip: string, action: string, target: string, before: unknown, after: unknown) =>
    record(p.username, ip, action, target, before, after);

  app.get(
    "/api/alerts",
    {
      schema: {
        querystring: alertFilterSchema.extend({
          limit: z.coerce.number().int().min(1).max(500).default(50),
          offset: z.coerce.number().int().min(0).default(0),
        }),
      },
    },
    async (request) => {
      const p = caller(request);
      const { hallId, ...rest } = request.query;
      return alerts.list({
        ...rest,
        hallIds: scopedHalls(p, hallId),
        audienceAnyOf: audienceFilter(p),
        // People told about an alert in person see it too (issue 14), in the unfiltered list.
        ...(hallId ? {} : { orNotified: p.username }),
      });
    },
  );
  await registerAlertExportRoute(app, deps, alerts);
  await registerAlertAssignRoutes(app, deps, alerts);

  const subscribeChanges =
    deps.alertChanges ??
    ((listener: (change: AlertChange) => void) => alerts.bus.on("alert_changed", listener));
  const frames = new WeakMap<AlertChange, string>();
  const frameOf = (change: AlertChange): string => {
    let frame = frames.get(change);
    if (frame === undefined) {
      frame = sseFrame(alertEvent(change, Date.now()));
      frames.set(change, frame);
    }
    return frame;
  };

  app.get("/api/alerts/stream", async (request, reply) => {
    const p = caller(request);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.write(": hallwatch alert stream\n\n");
    const write = (event: AlertEvent) => res.write(sseFrame(event));
    // This node's changes are checked on the whole alert (who was told of it counts too); each is serialised
    // once, however many streams are open.
    const off = subscribeChanges((change: AlertChange) => {
      if (canSeeAlert(p, change.alert)) res.write(frameOf(change));
    });
    // Several nodes: the changes of halls other nodes hold, as their owners published them (AlertRelay).
    const offFeed = deps.alertFeed?.((event) => {
      if (canSeeAlert(p, event.alert)) write(event);
    });
    const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), SSE_HEARTBEAT_MS);
    request.raw.on("close", () => {
      off();
      offFeed?.();
      clearInterval(heartbeat);
    });
  });

  const visible = async (p: Principal, id: string) => {
    const found = await alerts.get(id);
    if (!found || !canSeeAlert(p, found.alert)) throw new ApiError("not_found", `no alert ${id}`);
    return found;
  };

  app.get("/api/alerts/:id", { schema: { params: idParams } }, async (request) => {
    const found = await visible(caller(request), request.params.id);
    return { ...found.alert, history: found.history };
  });

  const act = async (
    request: { ip: string; params: { id: string } } & Parameters<typeof caller>[0],
    action: string,
    change: (by: string) => ReturnType<AlertService["acknowledge"]>,
    extra: Record<string, unknown> = {},
  ) => {
    const p = caller(request);
    const before = (await visible(p, request.params.id)).alert;
    if (!canActOnAlert(p, before))
      throw new ApiError("forbidden", "this alert is not addressed to your role");
    const result = await change(p.username);
    if (result === null) throw new ApiError("not_found", `no alert ${request.params.id}`);
    if ("error" in result)
      throw new ApiError(
        result.error === "condition_active" ? "condition_active" : "conflict",
        result.message,
      );
    audit(
      p,
      request.ip,
      action,
      request.params.id,
      { status: before.status },
      { status: result.status, ...extra },
    );
    return result;
  };

  app.post(
    "/api/alerts/:id/acknowledge",
    { schema: { params: idParams, body: z.strictObject({ comment: z.string().max(2000).optional() }) } },
    async (request) =>
      act(request, "alert_acknowledged", (by) =>
        alerts.acknowledge(request.params.id, by, request.body.comment ?? null),
      ),
  );
  app.post(
    "/api/alerts/:id/resolve",
    {
      schema: {
        params: idParams,
        body: z.strictObject({
          reason: z.string().trim().min(1).max(2000),
          /** Admins only: resolve although the condition still holds; the next bad reading raises it again. */
          force: z.boolean().optional(),
        }),
      },
    },
    async (request) => {
      const force = request.body.force === true;
      if (force && !isAdmin(caller(request)))
        throw new ApiError(
          "forbidden",
          "only an admin can force the resolve of an alert whose condition holds",
        );
      return act(
        request,
        "alert_resolved",
        (by) => alerts.resolve(request.params.id, by, request.body.reason, { force }),
        force ? { forced: true } : {},
      );
    },
  );
  app.post(
    "/api/alerts/:id/comments",
    { schema: { params: idParams, body: z.strictObject({ text: z.string().trim().min(1).max(2000) }) } },
    async (request) =>
      act(request, "alert_commented", (by) => alerts.comment(request.params.id, by, request.body.text)),
  );
}

function sseFrame(event: AlertEvent): string {
  return `event: alert\nid: ${event.alert.id}\ndata: ${JSON.stringify(event)}\n\n`;
}
