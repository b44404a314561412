import { z } from "zod";
import { alertEvent } from "../../alerts/alert-publisher.js";
import type { AlertChange } from "../../alerts/alert-service.js";
import { deviceIdSchema, deviceKindSchema, hallIdSchema, severitySchema } from "../../contract/index.js";
import type { ApiDeps } from "../app.js";
import { ApiError } from "../errors.js";
import type { TypedApp } from "./types.js";

const actor = z.string().trim().min(1).max(128);
const idParams = z.object({ id: z.string().min(1).max(64) });
const SSE_HEARTBEAT_MS = 15_000;

export async function registerAlertRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const alerts = deps.alerts;
  if (!alerts) return;

  app.get(
    "/api/alerts",
    {
      schema: {
        querystring: z.object({
          hallId: hallIdSchema.optional(),
          deviceId: deviceIdSchema.optional(),
          kind: deviceKindSchema.optional(),
          severity: severitySchema.optional(),
          status: z.enum(["open", "acknowledged", "resolved", "active"]).optional(),
          faultType: z.string().max(64).optional(),
          fromMs: z.coerce.number().int().min(0).optional(),
          toMs: z.coerce.number().int().min(0).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
          offset: z.coerce.number().int().min(0).default(0),
        }),
      },
    },
    async (request) => {
      const { hallId, ...rest } = request.query;
      return alerts.list({ ...rest, hallIds: hallId ? [hallId] : undefined });
    },
  );

  app.get("/api/alerts/stream", async (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.write(": hallwatch alert stream\n\n");
    const send = (change: AlertChange) => {
      res.write(
        `event: alert\nid: ${change.alert.id}\ndata: ${JSON.stringify(alertEvent(change, Date.now()))}\n\n`,
      );
    };
    const off = alerts.bus.on("alert_changed", send);
    const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), SSE_HEARTBEAT_MS);
    request.raw.on("close", () => {
      off();
      clearInterval(heartbeat);
    });
  });

  app.get("/api/alerts/:id", { schema: { params: idParams } }, async (request) => {
    const found = alerts.get(request.params.id);
    if (!found) throw new ApiError("not_found", `no alert ${request.params.id}`);
    return { ...found.alert, history: found.history };
  });

  const outcome = (result: ReturnType<typeof alerts.acknowledge>, id: string) => {
    if (result === null) throw new ApiError("not_found", `no alert ${id}`);
    if ("error" in result) throw new ApiError("conflict", result.message);
    return result;
  };

  app.post(
    "/api/alerts/:id/acknowledge",
    {
      schema: {
        params: idParams,
        body: z.strictObject({ by: actor, comment: z.string().max(2000).optional() }),
      },
    },
    async (request) =>
      outcome(
        alerts.acknowledge(request.params.id, request.body.by, request.body.comment ?? null),
        request.params.id,
      ),
  );
  app.post(
    "/api/alerts/:id/resolve",
    {
      schema: {
        params: idParams,
        body: z.strictObject({ by: actor, reason: z.string().trim().min(1).max(2000) }),
      },
    },
    async (request) =>
      outcome(alerts.resolve(request.params.id, request.body.by, request.body.reason), request.params.id),
  );
  app.post(
    "/api/alerts/:id/comments",
    {
      schema: {
        params: idParams,
        body: z.strictObject({ by: actor, text: z.string().trim().min(1).max(2000) }),
      },
    },
    async (request) =>
      outcome(alerts.comment(request.params.id, request.body.by, request.body.text), request.params.id),
  );
}
