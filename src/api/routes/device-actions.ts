import { z } from "zod";
import { type CommandBody, CommandRequests } from "../../aggregator/command-requests.js";
import { canSeeHall, hasAnyRole, type Principal } from "../../auth/principal.js";
import { caller } from "../../auth/request-auth.js";
import { commandErrorCode, deviceIdSchema, hallIdSchema } from "../../contract/index.js";
import type { ApiDeps } from "../app.js";
import { auditor } from "../audit.js";
import {
  ACTION_ROLES,
  ActionRateLimiter,
  actionFitsKind,
  DEVICE_ACTIONS,
  type DeviceAction,
} from "../device-actions-policy.js";
import { ApiError } from "../errors.js";
import { presenceOf } from "../presence-reads.js";
import type { TypedApp } from "./types.js";

const actionBody = z.discriminatedUnion("action", [
  z.strictObject({
    action: z.literal("identify"),
    durationSec: z.number().int().min(1).max(600).default(30),
  }),
  z.strictObject({
    action: z.literal("set_report_interval"),
    reportIntervalSec: z.number().int().min(1).max(86_400),
  }),
  z.strictObject({ action: z.literal("restart_app") }),
  z.strictObject({ action: z.literal("reboot_host"), confirm: z.literal(true) }),
  z.strictObject({ action: z.literal("screenshot") }),
]);
type ActionBody = z.infer<typeof actionBody>;

const LOG_ACTIONS = "device_action";

function commandFor(body: ActionBody, deviceId: string): CommandBody {
  switch (body.action) {
    case "identify":
      return { cmd: "identify", deviceId, durationSec: body.durationSec };
    case "set_report_interval":
      return { cmd: "set_report_interval", deviceId, reportIntervalSec: body.reportIntervalSec };
    case "restart_app":
      return { cmd: "restart_app", deviceId };
    case "reboot_host":
      return { cmd: "reboot_host", deviceId, confirm: true };
    case "screenshot":
      return { cmd: "screenshot", deviceId };
  }
}

const allowedActions = (p: Principal): DeviceAction[] =>
  DEVICE_ACTIONS.filter((a) => hasAnyRole(p, ACTION_ROLES[a]));

/**
 * Remote actions on a device through its agent (docs/api.md "Remote actions"): role and hall checked, rate-limited
 * per device, sent with an expiry, the reply awaited; every request and its outcome in the audit log.
 */
export async function registerDeviceActionRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const now = deps.now ?? Date.now;
  const audit = auditor(deps);
  const requests = new CommandRequests(deps.aggregator, now);
  const limiter = new ActionRateLimiter();
  const timeoutMs = deps.actions?.replyTimeoutMs ?? 10_000;
  const ttlMs = deps.actions?.commandTtlMs ?? 60_000;
  const params = z.object({ hallId: hallIdSchema, deviceId: deviceIdSchema });

  const presence = presenceOf(deps);
  const visibleDevice = async (p: Principal, hallId: string, deviceId: string) => {
    await presence.fresh();
    const device = presence.device(hallId, deviceId);
    if (!device || device.retired || !canSeeHall(p, hallId))
      throw new ApiError("not_found", `no device ${deviceId} in hall ${hallId}`);
    return device;
  };

  app.post(
    "/api/devices/:hallId/:deviceId/actions",
    { schema: { params, body: actionBody } },
    async (request, reply) => {
      const p = caller(request);
      const { hallId, deviceId } = request.params;
      const body = request.body;
      const device = await visibleDevice(p, hallId, deviceId);
      const target = `${hallId}/${deviceId}`;
      const { action, ...params } = body;
      const record = (outcome: Record<string, unknown>) =>
        audit(p.username, request.ip, `${LOG_ACTIONS}`, target, { action, params }, outcome);
      if (!hasAnyRole(p, ACTION_ROLES[action])) {
        record({ status: "forbidden" });
        throw new ApiError(
          "forbidden",
          `${action} needs one of the roles: ${ACTION_ROLES[action].join(", ")}`,
        );
      }
      if (!actionFitsKind(action, device.kind)) {
        record({ status: "action_not_for_kind" });
        throw new ApiError("action_not_for_kind", `a ${device.kind} has no ${action}`);
      }
      const agent = presence.agent(device.agentId);
      if (agent?.connectivity !== "online") {
        record({ status: "agent_offline" });
        throw new ApiError("agent_offline", `agent ${device.agentId} is offline`);
      }
      const waitMs = limiter.take(target, action, now());
      if (waitMs > 0) {
        record({ status: "too_many_actions" });
        reply.header("retry-after", String(Math.ceil(waitMs / 1000)));
        throw new ApiError("too_many_actions", `try ${action} again in ${Math.ceil(waitMs / 1000)} s`);
      }
      let outcome: Awaited<ReturnType<CommandRequests["request"]>>;
      try {
        outcome = await requests.request(hallId, device.agentId, commandFor(body, deviceId), {
          timeoutMs,
          ttlMs,
        });
      } catch {
        record({ status: "agent_offline" });
        throw new ApiError("agent_offline", "the broker is not reachable");
      }
      if (outcome.status === "timeout") {
        record({ status: "agent_timeout", commandId: outcome.id });
        throw new ApiError("agent_timeout", `no reply from agent ${device.agentId} within ${timeoutMs} ms`);
      }
      const { ok, error, result } = outcome.reply;
      const shot = result?.screenshot;
      record({
        status: "replied",
        commandId: outcome.id,
        ok,
        ...(error ? { error, errorCode: commandErrorCode(error) } : {}),
        // The image itself is not kept: only that there was one, and its size.
        ...(result?.detail ? { detail: result.detail } : {}),
        ...(shot ? { screenshotBytes: Math.floor((shot.dataBase64.length * 3) / 4) } : {}),
      });
      return {
        ok,
        ...(error ? { error, errorCode: commandErrorCode(error) } : {}),
        ...(result ? { result } : {}),
      };
    },
  );

  app.get(
    "/api/devices/:hallId/:deviceId/actions",
    {
      schema: {
        params,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) }),
      },
    },
    async (request) => {
      const p = caller(request);
      const { hallId, deviceId } = request.params;
      const device = await visibleDevice(p, hallId, deviceId);
      const rows = await deps.auth.audit.list({
        limit: request.query.limit,
        target: `${hallId}/${deviceId}`,
        actionPrefix: LOG_ACTIONS,
      });
      return {
        allowed: allowedActions(p).filter((a) => actionFitsKind(a, device.kind)),
        items: rows
          .filter((r) => r.action === LOG_ACTIONS)
          .map((r) => ({
            atMs: r.atMs,
            by: r.actor,
            action: (r.before as { action?: string } | null)?.action ?? null,
            params: (r.before as { params?: unknown } | null)?.params ?? null,
            outcome: r.after,
          })),
      };
    },
  );
}
