import { z } from "zod";
import { DeviceMoveError } from "../../aggregator/ownership.js";
import { requireRole } from "../../auth/request-auth.js";
import { agentIdSchema, deviceIdSchema, hallIdSchema } from "../../contract/index.js";
import type { ApiDeps } from "../app.js";
import { auditor } from "../audit.js";
import { ApiError } from "../errors.js";
import { deviceView } from "../views.js";
import type { TypedApp } from "./types.js";

/**
 * Moving a device to another agent of its hall. Agents cannot take each other's devices (a birth that tries is
 * dead-lettered as `device_conflict`); an admin can, and the move is written to the audit log.
 */
export async function registerDeviceAdminRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const audit = auditor(deps);
  app.post(
    "/api/devices/:hallId/:deviceId/move",
    {
      schema: {
        params: z.object({ hallId: hallIdSchema, deviceId: deviceIdSchema }),
        body: z.strictObject({ agentId: agentIdSchema }),
      },
    },
    async (request) => {
      const p = requireRole(request, ["admin"]);
      const { hallId, deviceId } = request.params;
      const { agentId } = request.body;
      try {
        const { from, device } = deps.aggregator.moveDevice(hallId, deviceId, agentId);
        audit(
          p.username,
          request.ip,
          "device_moved",
          `${hallId}/${deviceId}`,
          { agentId: from },
          { agentId },
        );
        return deviceView(device);
      } catch (err) {
        if (err instanceof DeviceMoveError)
          throw new ApiError(err.code === "not_found" ? "not_found" : "bad_request", err.message);
        throw err;
      }
    },
  );
}
