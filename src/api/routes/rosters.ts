import { randomUUID } from "node:crypto";
import { z } from "zod";
import { caller, requireRole } from "../../auth/request-auth.js";
import {
  type Override,
  overrideSchema,
  type Roster,
  type RosterInput,
  rosterInputSchema,
  type Swap,
  swapSchema,
} from "../../core/rosters/index.js";
import { RosterStore } from "../../store/rosters.js";
import type { ApiDeps } from "../app.js";
import { auditor } from "../audit.js";
import { ApiError } from "../errors.js";
import { canReadRoster, checkPeople, requireWrite } from "./roster-access.js";
import type { TypedApp } from "./types.js";

const WRITERS = ["admin", "duty_manager"] as const;
const idParams = z.object({ id: z.string().min(1).max(64) });
const itemParams = z.object({ id: z.string().min(1).max(64), itemId: z.string().min(1).max(64) });

/** Duty rosters: read by anyone of their halls, changed by admins and the duty manager of all their halls, audited. */
export async function registerRosterRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const store = deps.rosters;
  if (!store) return;
  const audit = auditor(deps);
  const now = deps.now ?? Date.now;
  const users = deps.auth.users;

  const readable = async (request: Parameters<typeof caller>[0], id: string): Promise<Roster> => {
    const roster = await store.get(id);
    if (!roster || !canReadRoster(caller(request), roster.hallIds))
      throw new ApiError("not_found", `no roster ${id}`);
    return roster;
  };
  const checkHalls = (hallIds: string[]) => {
    const unknown = hallIds.filter((h) => !deps.halls.get(h));
    if (unknown.length > 0) throw new ApiError("bad_request", `unknown halls: ${unknown.join(", ")}`);
  };
  /** Saves a changed roster after checking its people, and audits it. */
  const change = async (
    request: Parameters<typeof caller>[0],
    action: string,
    input: RosterInput,
    before: Roster | undefined,
  ): Promise<Roster> => {
    const p = requireRole(request, WRITERS);
    requireWrite(p, input.hallIds);
    checkHalls(input.hallIds);
    await checkPeople(users, input);
    const parsed = rosterInputSchema.safeParse(input);
    if (!parsed.success)
      throw new ApiError(
        "bad_request",
        "the roster is not valid",
        parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
      );
    const saved = await store.save(parsed.data, p.username, now(), before?.id);
    audit(p.username, request.ip, action, saved.id, before, saved);
    return saved;
  };

  app.get(
    "/api/rosters",
    { schema: { querystring: z.object({ hallId: z.string().min(1).max(64).optional() }) } },
    async (request) => {
      const p = caller(request);
      const { hallId } = request.query;
      const items = (await store.list()).filter(
        (r) => canReadRoster(p, r.hallIds) && (hallId === undefined || r.hallIds.includes(hallId)),
      );
      // Everyone reading a roster sees names, not usernames.
      const names: Record<string, string> = {};
      const displayNames = new Map((await users.list()).map((u) => [u.username, u.displayName]));
      for (const r of items)
        for (const u of [
          ...r.shifts.flatMap((s) => s.usernames),
          ...r.overrides.flatMap((o) => o.usernames),
          ...r.swaps.flatMap((s) => [s.from, s.to]),
        ])
          names[u] ??= displayNames.get(u) ?? u;
      return { items, names };
    },
  );

  /** People a roster of the hall may name: enabled users who see the hall (for the roster editors only). */
  app.get(
    "/api/halls/:hallId/roster-people",
    { schema: { params: z.object({ hallId: z.string().min(1).max(64) }) } },
    async (request) => {
      const p = requireRole(request, WRITERS);
      const { hallId } = request.params;
      if (!deps.halls.get(hallId) || !canReadRoster(p, [hallId]))
        throw new ApiError("not_found", `no hall ${hallId}`);
      const items = (await users.list())
        .filter((u) => !u.disabled && (u.halls.includes("*") || u.halls.includes(hallId)))
        .map((u) => ({ username: u.username, displayName: u.displayName, roles: u.roles }));
      return { items };
    },
  );

  app.get(
    "/api/rosters/:id",
    { schema: { params: idParams } },
    async (request) => await readable(request, request.params.id),
  );

  app.post(
    "/api/rosters",
    { schema: { body: rosterInputSchema } },
    async (request) => await change(request, "roster_created", request.body, undefined),
  );

  app.put("/api/rosters/:id", { schema: { params: idParams, body: rosterInputSchema } }, async (request) => {
    const before = await readable(request, request.params.id);
    requireWrite(requireRole(request, WRITERS), before.hallIds);
    return await change(request, "roster_updated", request.body, before);
  });

  app.delete("/api/rosters/:id", { schema: { params: idParams } }, async (request) => {
    const before = await readable(request, request.params.id);
    const p = requireRole(request, WRITERS);
    requireWrite(p, before.hallIds);
    await store.remove(before.id, now());
    audit(p.username, request.ip, "roster_deleted", before.id, before, undefined);
    return { ok: true };
  });

  /** Adds or removes one override or swap: the whole roster is validated again. */
  const edit = async (
    request: Parameters<typeof caller>[0],
    id: string,
    action: string,
    next: (r: Roster) => { overrides: Override[]; swaps: Swap[] } | null,
  ): Promise<Roster> => {
    const before = await readable(request, id);
    requireWrite(requireRole(request, WRITERS), before.hallIds);
    const changed = next(before);
    if (!changed) throw new ApiError("not_found", "no such override or swap");
    return await change(
      request,
      action,
      RosterStore.asInput(before, changed.overrides, changed.swaps),
      before,
    );
  };
  const newId = () => randomUUID().slice(0, 8);

  app.post(
    "/api/rosters/:id/overrides",
    { schema: { params: idParams, body: overrideSchema } },
    async (request) =>
      edit(request, request.params.id, "roster_override_added", (r) => ({
        overrides: [...r.overrides, { ...request.body, id: newId() }],
        swaps: r.swaps,
      })),
  );
  app.delete("/api/rosters/:id/overrides/:itemId", { schema: { params: itemParams } }, async (request) =>
    edit(request, request.params.id, "roster_override_removed", (r) =>
      r.overrides.some((o) => o.id === request.params.itemId)
        ? { overrides: r.overrides.filter((o) => o.id !== request.params.itemId), swaps: r.swaps }
        : null,
    ),
  );
  app.post("/api/rosters/:id/swaps", { schema: { params: idParams, body: swapSchema } }, async (request) =>
    edit(request, request.params.id, "roster_swap_added", (r) => ({
      overrides: r.overrides,
      swaps: [...r.swaps, { ...request.body, id: newId() }],
    })),
  );
  app.delete("/api/rosters/:id/swaps/:itemId", { schema: { params: itemParams } }, async (request) =>
    edit(request, request.params.id, "roster_swap_removed", (r) =>
      r.swaps.some((s) => s.id === request.params.itemId)
        ? { overrides: r.overrides, swaps: r.swaps.filter((s) => s.id !== request.params.itemId) }
        : null,
    ),
  );
}
