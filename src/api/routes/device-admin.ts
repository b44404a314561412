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
 * A device's name and zone as the admin sets them (kept over its agent's births), retiring a device that is
 * gone, and moving a device to another agent of its hall. Agents cannot take each other's devices (a birth that tries is
 * dead-lettered as `device_conflict`); an admin can, and the move is written to the audit log.
 */
export async function registerDeviceAdminRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const audit = auditor(deps);
  const params = z.object({ hallId: hallIdSchema, deviceId: deviceIdSchema });
  /**
   * Several nodes: a device's identity is changed by the node that owns its hall (its aggregator holds the device).
   * Not forwarded yet: another node says so instead of answering "no device".
   */
  const ownHall = (hallId: string) => {
    const owned = deps.aggregator.ownedHalls;
    if (owned && !owned.has(hallId))
      throw new ApiError(
        "conflict",
        `hall ${hallId} is handled by another node: rename, move or retire its devices there (GET /api/cluster names it)`,
      );
  };
  const target = (hallId: string, deviceId: string) => {
    ownHall(hallId);
    const device = deps.aggregator.presence.device(hallId, deviceId);
    if (!device) throw new ApiError("not_found", `no device ${deviceId} in hall ${hallId}`);
    return device;
  };

  app.put(
    "/api/devices/:hallId/:deviceId",
    {
      schema: {
        params,
        body: z
          .strictObject({
            /** null or "": the name the agent's birth gives. */
            name: z.string().trim().max(128).nullable().optional(),
            zone: z.string().trim().min(1).max(64).nullable().optional(),
          })
          .refine((b) => b.name !== undefined || b.zone !== undefined, "nothing to change"),
      },
    },
    async (request) => {
      const p = requireRole(request, ["admin"]);
      const { hallId, deviceId } = request.params;
      const before = deviceView(target(hallId, deviceId));
      const { name, zone } = request.body;
      const device = await deps.aggregator.relabelDevice(hallId, deviceId, {
        ...(name !== undefined ? { name: name === "" ? null : name } : {}),
        ...(zone !== undefined ? { zone } : {}),
      });
      if (!device) throw new ApiError("not_found", `no device ${deviceId} in hall ${hallId}`);
      audit(
        p.username,
        request.ip,
        "device_changed",
        `${hallId}/${deviceId}`,
        { name: before.name, zone: before.zone },
        { name: device.name, zone: device.zone },
      );
      return deviceView(device);
    },
  );

  app.post("/api/devices/:hallId/:deviceId/retire", { schema: { params } }, async (request) => {
    const p = requireRole(request, ["admin"]);
    const { hallId, deviceId } = request.params;
    target(hallId, deviceId);
    const device = await deps.aggregator.retireDevice(hallId, deviceId);
    if (!device) throw new ApiError("not_found", `no device ${deviceId} in hall ${hallId}`);
    audit(p.username, request.ip, "device_retired", `${hallId}/${deviceId}`);
    return deviceView(device);
  });

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
      ownHall(hallId);
      try {
        const { from, device } = await deps.aggregator.moveDevice(hallId, deviceId, agentId);
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
