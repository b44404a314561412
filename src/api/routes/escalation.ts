import { z } from "zod";
import { isAdmin } from "../../auth/principal.js";
import { caller, requireRole } from "../../auth/request-auth.js";
import { chainSchema } from "../../notify/people/chains.js";
import type { ApiDeps } from "../app.js";
import { auditor } from "../audit.js";
import { ApiError } from "../errors.js";
import type { TypedApp } from "./types.js";

/** Escalation chains (admins) and a user's action-link policy (admins, or the user for themselves); audited. */
export async function registerEscalationRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const people = deps.escalation;
  if (!people) return;
  const audit = auditor(deps);
  const now = deps.now ?? Date.now;
  const idParams = z.object({ id: z.string().min(1).max(200) });

  app.get("/api/escalation-chains", async (request) => {
    requireRole(request, ["admin"]);
    return { items: await people.chains.chains() };
  });
  // One chain per severity and hall (null: every hall): a PUT adds it or replaces the one there was.
  app.put("/api/escalation-chains", { schema: { body: chainSchema } }, async (request) => {
    const p = requireRole(request, ["admin"]);
    if (request.body.hallId !== null && !deps.halls.get(request.body.hallId))
      throw new ApiError("bad_request", `no hall ${request.body.hallId}`);
    const before = (await people.chains.chains()).find(
      (c) => c.severity === request.body.severity && c.hallId === request.body.hallId,
    );
    const chain = await people.chains.put(request.body, now());
    audit(p.username, request.ip, "escalation_chain_saved", chain.id, before ?? undefined, chain);
    return chain;
  });
  app.delete("/api/escalation-chains/:id", { schema: { params: idParams } }, async (request) => {
    const p = requireRole(request, ["admin"]);
    const before = await people.chains.chain(request.params.id);
    if (!before || !(await people.chains.remove(request.params.id)))
      throw new ApiError("not_found", "no such chain");
    audit(p.username, request.ip, "escalation_chain_removed", before.id, before, undefined);
    return { ok: true };
  });

  const userParams = z.object({ username: z.string().min(1).max(64) });
  app.get("/api/users/:username/action-link-policy", { schema: { params: userParams } }, async (request) => {
    const p = caller(request);
    const { username } = request.params;
    if (!isAdmin(p) && p.username !== username) throw new ApiError("forbidden", "only your own policy");
    if (!(await deps.auth.users.get(username))) throw new ApiError("not_found", `no user ${username}`);
    return {
      username,
      needSignIn: await people.linkPolicy.needsSignIn(username),
      own: await people.linkPolicy.own(username),
    };
  });
  app.put(
    "/api/users/:username/action-link-policy",
    { schema: { params: userParams, body: z.strictObject({ needSignIn: z.boolean().nullable() }) } },
    async (request) => {
      const p = caller(request);
      const { username } = request.params;
      if (!isAdmin(p) && p.username !== username) throw new ApiError("forbidden", "only your own policy");
      const before = await people.linkPolicy.own(username);
      if (
        !(await deps.auth.users.get(username)) ||
        !(await people.linkPolicy.set(username, request.body.needSignIn))
      )
        throw new ApiError("not_found", `no user ${username}`);
      audit(
        p.username,
        request.ip,
        "action_link_policy_changed",
        username,
        { needSignIn: before },
        request.body,
      );
      return {
        username,
        needSignIn: await people.linkPolicy.needsSignIn(username),
        own: request.body.needSignIn,
      };
    },
  );
}
