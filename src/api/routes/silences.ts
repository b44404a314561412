import { z } from "zod";
import { allHalls, canSeeHall, hallScope, isAdmin, type Principal } from "../../auth/principal.js";
import { caller, requireRole } from "../../auth/request-auth.js";
import { hallIdSchema } from "../../contract/index.js";
import { checkSilenceTimes, isSilenceActive, silenceInputSchema } from "../../core/silences/silence.js";
import type { StoredSilence } from "../../store/silences.js";
import type { ApiDeps } from "../app.js";
import { auditor } from "../audit.js";
import { ApiError } from "../errors.js";
import type { TypedApp } from "./types.js";

const MANAGERS = ["admin", "duty_manager"] as const;
/** Ended silences stay listed this long, so people can see what was quiet and why. */
const RECENT_MS = 7 * 24 * 3600_000;

/** A silence of every hall is an admin's (or an all-halls duty manager's); a hall's, its duty managers'. */
function mayManage(p: Principal, hallId: string | null): boolean {
  if (hallId === null) return isAdmin(p) || (p.roles.includes("duty_manager") && allHalls(p));
  return canSeeHall(p, hallId);
}

/**
 * Silences: stop notices for matching alerts until they expire or are lifted (never uptime, never alert state).
 * Everyone reads the silences of their halls; admins and duty managers of the hall create and lift them, audited.
 */
export async function registerSilenceRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const silences = deps.silences;
  if (!silences) return;
  const audit = auditor(deps);
  const now = deps.now ?? Date.now;
  const view = (s: StoredSilence, nowMs: number) => ({ ...s, active: isSilenceActive(s, nowMs) });

  app.get(
    "/api/silences",
    { schema: { querystring: z.object({ hallId: hallIdSchema.optional() }) } },
    async (request) => {
      const p = caller(request);
      const nowMs = now();
      const scope = hallScope(p);
      const items = (await silences.list(nowMs - RECENT_MS, scope))
        .filter(
          (s) => request.query.hallId === undefined || s.hallId === null || s.hallId === request.query.hallId,
        )
        .map((s) => view(s, nowMs));
      return { items, nowMs };
    },
  );

  app.post("/api/silences", { schema: { body: silenceInputSchema } }, async (request) => {
    const p = requireRole(request, MANAGERS);
    const nowMs = now();
    const input = request.body;
    const hallId = input.matchers.hallId ?? null;
    if (hallId !== null && !deps.halls.get(hallId)) throw new ApiError("not_found", `no hall ${hallId}`);
    if (!mayManage(p, hallId))
      throw new ApiError(
        "forbidden",
        hallId ? `not a hall of yours: ${hallId}` : "a silence of every hall needs an admin",
      );
    const startsMs = input.startsMs ?? nowMs;
    const endsMs = input.endsMs ?? startsMs + (input.durationMs ?? 0);
    const problem = checkSilenceTimes(startsMs, endsMs, nowMs);
    if (problem) throw new ApiError(`silence_${problem}`);
    const silence = await silences.add(
      { matchers: input.matchers, reason: input.reason, startsMs, endsMs },
      p.username,
      nowMs,
    );
    audit(p.username, request.ip, "silence_created", silence.id, undefined, silence);
    return view(silence, nowMs);
  });

  app.delete(
    "/api/silences/:id",
    { schema: { params: z.object({ id: z.string().uuid() }) } },
    async (request) => {
      const p = requireRole(request, MANAGERS);
      const existing = await silences.get(request.params.id);
      if (!existing || (existing.hallId !== null && !canSeeHall(p, existing.hallId)))
        throw new ApiError("not_found", "no such silence");
      if (!mayManage(p, existing.hallId)) throw new ApiError("forbidden");
      const nowMs = now();
      const lifted = await silences.lift(existing.id, p.username, nowMs);
      if (!lifted) throw new ApiError("conflict", "the silence has already ended");
      audit(p.username, request.ip, "silence_lifted", lifted.id, existing, lifted);
      return view(lifted, nowMs);
    },
  );

  app.get(
    "/api/silences/held",
    { schema: { querystring: z.object({ alertId: z.string().min(1).max(100) }) } },
    async (request) => {
      const p = caller(request);
      const alert = deps.alerts?.get(request.query.alertId)?.alert;
      if (!alert || !canSeeHall(p, alert.hallId)) throw new ApiError("not_found", "no such alert");
      return { items: await silences.holdsOf(alert.id) };
    },
  );
}
