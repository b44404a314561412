import type { FastifyRequest } from "fastify";
import { z } from "zod";
import type { Alert } from "../../core/alerts/alert.js";
import type { ActionClaims } from "../../notify/people/action-links.js";
import type { UserRecord } from "../../store/users.js";
import type { ApiDeps } from "../app.js";
import { auditor } from "../audit.js";
import { ApiError } from "../errors.js";
import type { TypedApp } from "./types.js";

const tokenParams = z.object({ token: z.string().min(1).max(1000) });
const actBody = z.discriminatedUnion("action", [
  z.strictObject({ action: z.literal("acknowledge"), comment: z.string().trim().max(2000).optional() }),
  z.strictObject({ action: z.literal("comment"), text: z.string().trim().min(1).max(2000) }),
  z.strictObject({ action: z.literal("resolve"), reason: z.string().trim().min(1).max(2000) }),
]);

/** What the one-tap page shows of the alert (the link proves the person may see it). */
const view = (a: Alert) => ({
  id: a.id,
  hallId: a.hallId,
  deviceId: a.deviceId,
  agentId: a.agentId,
  kind: a.kind,
  faultType: a.faultType,
  severity: a.severity,
  summary: a.summary,
  status: a.status,
  openedMs: a.openedMs,
  lastObserved: a.lastObserved,
  acknowledged: a.acknowledged,
  resolved: a.resolved,
});

/**
 * Signed action links (issue 14): a notified person acknowledges, comments on or resolves an alert from the message,
 * without signing in unless their policy says so. A link is checked (signature, expiry, unused) on every call and
 * consumed by the action it performs; the action is audited as that person and on the alert's timeline as theirs.
 */
export async function registerActRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const people = deps.escalation;
  const alerts = deps.alerts;
  if (!people || !alerts) return;
  const now = deps.now ?? Date.now;
  const record = auditor(deps);

  const check = async (
    request: FastifyRequest,
    token: string,
  ): Promise<{ claims: ActionClaims; alert: Alert; user: UserRecord }> => {
    const verified = await people.links.verify(token, now());
    if (!verified.ok) throw new ApiError(verified.reason);
    const { claims } = verified;
    const user = await deps.auth.users.get(claims.username);
    if (!user || user.disabled)
      throw new ApiError("link_invalid", "the person of this link no longer exists");
    const signedIn = request.principal;
    if (signedIn && signedIn.username !== claims.username) throw new ApiError("link_wrong_user");
    if (!signedIn && (await people.linkPolicy.needsSignIn(claims.username)))
      throw new ApiError("link_sign_in");
    const found = alerts.get(claims.alertId);
    if (!found) throw new ApiError("not_found", "the alert of this link no longer exists");
    return { claims, alert: found.alert, user };
  };

  app.get("/api/act/:token", { schema: { params: tokenParams } }, async (request) => {
    const { claims, alert, user } = await check(request, request.params.token);
    return {
      username: claims.username,
      displayName: user.displayName,
      language: user.language,
      expiresMs: claims.expiresMs,
      /** The hall's zone: the page shows times on the hall's clock, not the phone's. */
      timeZone: deps.halls.get(alert.hallId)?.timeZone ?? null,
      alert: view(alert),
    };
  });

  app.post("/api/act/:token", { schema: { params: tokenParams, body: actBody } }, async (request) => {
    const { claims } = await check(request, request.params.token);
    // The nonce is claimed before acting: of two taps at once (on one node or two) only one acts. A refused action
    // gives the nonce back, so the link still works for another try.
    if (!(await people.links.consume(claims, now()))) throw new ApiError("link_used");
    const before = alerts.get(claims.alertId)?.alert;
    const by = claims.username;
    const body = request.body;
    const result = !before
      ? null
      : body.action === "acknowledge"
        ? alerts.acknowledge(before.id, by, body.comment || null)
        : body.action === "comment"
          ? alerts.comment(before.id, by, body.text)
          : alerts.resolve(before.id, by, body.reason);
    if (result === null || !before) {
      await people.links.release(claims);
      throw new ApiError("not_found", "the alert of this link no longer exists");
    }
    if ("error" in result) {
      await people.links.release(claims);
      throw new ApiError(
        result.error === "condition_active" ? "condition_active" : "conflict",
        result.message,
      );
    }
    const action =
      body.action === "acknowledge"
        ? "alert_acknowledged"
        : body.action === "comment"
          ? "alert_commented"
          : "alert_resolved";
    record(
      by,
      request.ip,
      action,
      before.id,
      { status: before.status },
      { status: result.status, via: "action_link" },
    );
    return { ok: true, alert: view(result) };
  });
}
