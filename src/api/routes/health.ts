import { requireRole } from "../../auth/request-auth.js";
import type { ApiDeps } from "../app.js";
import type { TypedApp } from "./types.js";

export async function registerHealthRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const startedMs = Date.now();
  app.get("/api/health", async (_request, reply) => {
    const connected = deps.aggregator.isBrokerConnected;
    const agentsNotConnecting = deps.agentConnectionProblems?.() ?? [];
    const ok = connected && agentsNotConnecting.length === 0;
    const body = {
      status: ok ? "ok" : "degraded",
      brokerConnected: connected,
      agentsNotConnecting,
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
