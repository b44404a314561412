import { z } from "zod";
import { caller, requireRole } from "../../auth/request-auth.js";
import { contactsInputSchema, pushSubscriptionSchema } from "../../notify/people/contacts.js";
import type { ApiDeps } from "../app.js";
import { auditor } from "../audit.js";
import { ApiError } from "../errors.js";
import type { TypedApp } from "./types.js";

/**
 * Personal contact points: everyone edits their own (`/api/me/…`); admins read and edit anyone's. Changes
 * are audited. Push subscriptions are added by the console on the device that will receive.
 */
export async function registerContactRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const people = deps.people;
  if (!people) return;
  const { contacts } = people;
  const audit = auditor(deps);
  const username = z.object({ username: z.string().min(1).max(100) });

  app.get("/api/me/contacts", async (request) => await contacts.get(caller(request).username));
  app.put("/api/me/contacts", { schema: { body: contactsInputSchema } }, async (request) => {
    const p = caller(request);
    const before = await contacts.get(p.username);
    const after = await contacts.put(p.username, request.body);
    audit(p.username, request.ip, "contacts_changed", p.username, before, after);
    return after;
  });
  app.post("/api/me/push-subscriptions", { schema: { body: pushSubscriptionSchema } }, async (request) => {
    const p = caller(request);
    const added = await contacts.addSubscription(p.username, request.body);
    audit(p.username, request.ip, "push_subscription_added", p.username, undefined, added);
    return added;
  });
  app.delete(
    "/api/me/push-subscriptions/:id",
    { schema: { params: z.object({ id: z.string().uuid() }) } },
    async (request) => {
      const p = caller(request);
      if (!(await contacts.removeSubscription(p.username, request.params.id)))
        throw new ApiError("not_found", "no such push subscription");
      audit(p.username, request.ip, "push_subscription_removed", p.username, { id: request.params.id });
      return { ok: true };
    },
  );
  app.get("/api/push/vapid-public-key", async (request) => {
    caller(request);
    return { publicKey: people.vapidPublicKey };
  });

  const known = async (name: string) => {
    if (!(await deps.auth.users.get(name))) throw new ApiError("not_found", `no user ${name}`);
  };
  app.get("/api/users/:username/contacts", { schema: { params: username } }, async (request) => {
    requireRole(request, ["admin"]);
    await known(request.params.username);
    return await contacts.get(request.params.username);
  });
  app.put(
    "/api/users/:username/contacts",
    { schema: { params: username, body: contactsInputSchema } },
    async (request) => {
      const p = requireRole(request, ["admin"]);
      await known(request.params.username);
      const before = await contacts.get(request.params.username);
      const after = await contacts.put(request.params.username, request.body);
      audit(p.username, request.ip, "contacts_changed", request.params.username, before, after);
      return after;
    },
  );
}
