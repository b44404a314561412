import { z } from "zod";
import { requireRole } from "../../auth/request-auth.js";
import { ChannelConfigError, channelSchema, isProviderType, maskChannel } from "../../notify/channels.js";
import { routingRuleSchema } from "../../notify/routing.js";
import type { ApiDeps } from "../app.js";
import { auditor } from "../audit.js";
import { ApiError } from "../errors.js";
import type { TypedApp } from "./types.js";

/** Notification channels, routing rules, the delivery log and "send test" — admins only; changes audited. */
export async function registerNotifyRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const notify = deps.notify;
  if (!notify) return;
  const { store, dispatcher } = notify;
  const audit = auditor(deps);
  const id = z.object({ id: z.string().uuid() });

  app.get("/api/notify/channels", async (request) => {
    requireRole(request, ["admin"]);
    return { items: (await store.channels()).map(maskChannel) };
  });
  app.post("/api/notify/channels", { schema: { body: channelSchema } }, async (request) => {
    const p = requireRole(request, ["admin"]);
    const channel = await store.addChannel(request.body);
    audit(p.username, request.ip, "notify_channel_added", channel.id, undefined, maskChannel(channel));
    return maskChannel(channel);
  });
  // An edit (rename, enable/disable, new URL or secret): values sent back masked as listed keep the stored ones.
  app.put(
    "/api/notify/channels/:id",
    { schema: { params: id, body: z.record(z.string(), z.unknown()) } },
    async (request) => {
      const p = requireRole(request, ["admin"]);
      const before = await store.channel(request.params.id);
      if (!before) throw new ApiError("not_found", "no such channel");
      let after: Awaited<ReturnType<typeof store.updateChannel>>;
      try {
        after = await store.updateChannel(request.params.id, request.body);
      } catch (err) {
        if (err instanceof ChannelConfigError)
          throw new ApiError("bad_request", "invalid channel", err.issues);
        throw err;
      }
      if (!after) throw new ApiError("not_found", "no such channel");
      audit(
        p.username,
        request.ip,
        "notify_channel_changed",
        after.id,
        maskChannel(before),
        maskChannel(after),
      );
      return maskChannel(after);
    },
  );
  app.delete("/api/notify/channels/:id", { schema: { params: id } }, async (request) => {
    const p = requireRole(request, ["admin"]);
    const before = await store.channel(request.params.id);
    if (!before || !(await store.removeChannel(request.params.id)))
      throw new ApiError("not_found", "no such channel");
    audit(p.username, request.ip, "notify_channel_removed", request.params.id, maskChannel(before));
    return { ok: true };
  });
  app.post("/api/notify/channels/:id/test", { schema: { params: id } }, async (request) => {
    requireRole(request, ["admin"]);
    if (!(await store.channel(request.params.id))) throw new ApiError("not_found", "no such channel");
    return dispatcher.sendTest(request.params.id);
  });
  app.get("/api/notify/rules", async (request) => {
    requireRole(request, ["admin"]);
    return { items: await store.rules() };
  });
  app.post("/api/notify/rules", { schema: { body: routingRuleSchema } }, async (request) => {
    const p = requireRole(request, ["admin"]);
    const found = new Map(
      await Promise.all(request.body.channelIds.map(async (c) => [c, await store.channel(c)] as const)),
    );
    const unknown = request.body.channelIds.filter((c) => !found.get(c));
    if (unknown.length > 0) throw new ApiError("bad_request", `no channel ${unknown.join(", ")}`);
    const providers = request.body.channelIds.filter((c) => isProviderType(found.get(c)?.config.type ?? ""));
    if (providers.length > 0)
      throw new ApiError(
        "bad_request",
        `channel ${providers.join(", ")} sends only to people, not to a rule`,
      );
    const rule = await store.addRule(request.body);
    audit(p.username, request.ip, "notify_rule_added", rule.id, undefined, rule);
    return rule;
  });
  app.delete("/api/notify/rules/:id", { schema: { params: id } }, async (request) => {
    const p = requireRole(request, ["admin"]);
    if (!(await store.removeRule(request.params.id))) throw new ApiError("not_found", "no such rule");
    audit(p.username, request.ip, "notify_rule_removed", request.params.id);
    return { ok: true };
  });
  app.get(
    "/api/notify/deliveries",
    {
      schema: {
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(500).default(100),
          channelId: z.string().optional(),
          alertId: z.string().optional(),
          /** "true": only grouped notices (storm grouping), with their size and summary. */
          grouped: z
            .enum(["true", "false"])
            .optional()
            .transform((v) => v === "true"),
        }),
      },
    },
    async (request) => {
      requireRole(request, ["admin", "duty_manager"]);
      return { items: await store.deliveries(request.query), pending: await store.pending() };
    },
  );
}
