import { requireRole } from "../../auth/request-auth.js";
import type { ApiDeps } from "../app.js";
import { HealthChecks } from "../health-checks.js";
import type { TypedApp } from "./types.js";

/** An agent provisioned this long ago that has never connected is counted in `agentsNeverSeen`. */
const NEVER_SEEN_AFTER_MS = 10 * 60_000;

export async function registerHealthRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const startedMs = Date.now();
  const checks = deps.health ?? new HealthChecks();
  if (!checks.has("broker")) {
    checks.register(
      "broker",
      () =>
        deps.aggregator.isBrokerConnected
          ? { status: "ok", detail: "the aggregator is connected to the MQTT broker" }
          : { status: "failing", detail: "the aggregator is not connected to the MQTT broker" },
      { critical: true },
    );
  }
  if (!checks.has("agents")) {
    checks.register(
      "agents",
      () => {
        const refused = deps.agentConnectionProblems?.() ?? [];
        return refused.length === 0
          ? { status: "ok", detail: "no agent of this server is refused by the broker" }
          : { status: "failing", detail: `${refused.length} agents cannot connect to the broker` };
      },
      { critical: true },
    );
  }
  app.get("/api/health", async (_request, reply) => {
    const report = checks.report();
    // A count, not names: the health check is public and agent ids are the broker's usernames. Informational
    // only (agents are often provisioned before they are installed), so it does not change the status.
    const nowMs = deps.now?.() ?? Date.now();
    // Health answers even when the store cannot be read (its own check says so).
    const agentsNeverSeen =
      (await deps.credentials?.countNeverSeenAgents(nowMs - NEVER_SEEN_AFTER_MS).catch(() => 0)) ?? 0;
    const body = {
      status: report.status,
      checks: report.checks,
      brokerConnected: deps.aggregator.isBrokerConnected,
      agentsNotConnecting: deps.agentConnectionProblems?.() ?? [],
      agentsNeverSeen,
      version: deps.version,
      uptimeSec: Math.round((Date.now() - startedMs) / 1000),
    };
    return reply.status(report.httpStatus).send(body);
  });
  app.get("/metrics", async (request, reply) => {
    requireRole(request, ["admin"]);
    const text = await deps.metrics.metrics();
    return reply.header("content-type", deps.metrics.contentType).send(text);
  });
}
