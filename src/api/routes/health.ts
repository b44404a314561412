import { requireRole } from "../../auth/request-auth.js";
import type { ApiDeps } from "../app.js";
import type { TypedApp } from "./types.js";

/** An agent provisioned this long ago that has never connected is counted in `agentsNeverSeen`. */
const NEVER_SEEN_AFTER_MS = 10 * 60_000;

export async function registerHealthRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const startedMs = Date.now();
  app.get("/api/health", async (_request, reply) => {
    const connected = deps.aggregator.isBrokerConnected;
    const agentsNotConnecting = deps.agentConnectionProblems?.() ?? [];
    // A count, not names: the health check is public and agent ids are the broker's usernames. Informational
    // only (agents are often provisioned before they are installed), so it does not change the status.
    const nowMs = deps.now?.() ?? Date.now();
    const agentsNeverSeen = deps.credentials?.countNeverSeenAgents(nowMs - NEVER_SEEN_AFTER_MS) ?? 0;
    const ok = connected && agentsNotConnecting.length === 0;
    const body = {
      status: ok ? "ok" : "degraded",
      brokerConnected: connected,
      agentsNotConnecting,
      agentsNeverSeen,
      version: deps.version,
      uptimeSec: Math.round((Date.now() - startedMs) / 1000),
    };
    return reply.status(ok ? 200 : 503).send(body);
  });
  app.get("/metrics", async (request, reply) => {
    requireRole(request, ["admin"]);
    const text = await deps.metrics.metrics();
    return reply.header("content-type", deps.metrics.contentType).send(text);
  });
}
