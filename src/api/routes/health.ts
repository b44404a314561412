import { requireRole } from "../../auth/request-auth.js";
import type { ApiDeps } from "../app.js";
import { HealthChecks } from "../health-checks.js";
import type { TypedApp } from "./types.js";

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
  app.get("/api/health", async (_request, reply) => {
    const report = checks.report();
    const body = {
      status: report.status,
      checks: report.checks,
      brokerConnected: deps.aggregator.isBrokerConnected,
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
