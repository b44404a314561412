import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { alertActionSchema } from "../../alerts/alert-actions.js";
import { FORWARDED_ACTIONS_ROUTE, type ForwardedOutcome } from "../../cluster/alert-forwarding.js";
import { NodeSignatureVerifier } from "../../cluster/node-signature.js";
import type { ApiDeps } from "../app.js";
import { ApiError } from "../errors.js";
import type { TypedApp } from "./types.js";

const idParams = z.object({ id: z.string().min(1).max(64) });

/**
 * POST /api/cluster/alerts/:id/actions: another node forwards an action on an alert of a hall this node owns
 * (docs/scale-out.md, "Alerts across nodes"). Authenticated only by the node signature (src/cluster/node-signature.ts),
 * never by a user session or token: the request hook lets it through and this route checks the signature over the
 * raw body. Answers 503 `hall_moving` when this node does not hold the hall either (the caller asks again).
 */
export async function registerClusterAlertRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const forwarding = deps.clusterForwarding;
  const alerts = deps.alerts;
  if (!forwarding || !alerts) return;
  const verifier = new NodeSignatureVerifier(forwarding.key, deps.now ?? Date.now);
  await app.register(async (scope) => {
    // The signature covers the body as sent: keep it raw here (this scope only) and parse it after the check.
    scope.removeContentTypeParser("application/json");
    scope.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) =>
      done(null, body),
    );
    scope
      .withTypeProvider<ZodTypeProvider>()
      .post(
        FORWARDED_ACTIONS_ROUTE,
        { schema: { hide: true, params: idParams } },
        async (request): Promise<ForwardedOutcome> => {
          const body = typeof request.body === "string" ? request.body : "";
          const verdict = verifier.verify(
            { method: request.method, path: request.url, body },
            request.headers,
          );
          if (!verdict.ok) {
            request.log.warn(
              { reason: verdict.reason, ip: request.ip },
              "cluster: a forwarded action was refused",
            );
            throw new ApiError("unauthenticated", verdict.reason);
          }
          let json: unknown;
          try {
            json = JSON.parse(body);
          } catch {
            throw new ApiError("bad_request", "the body is not JSON");
          }
          const action = alertActionSchema.safeParse(json);
          if (!action.success) throw new ApiError("bad_request", "not an alert action", action.error.issues);
          const result = await alerts.perform(request.params.id, action.data, { forwarded: true });
          if (result === null) return { outcome: "not_found" };
          return "error" in result
            ? { outcome: "refused", error: result }
            : { outcome: "applied", alert: result };
        },
      );
  });
}
