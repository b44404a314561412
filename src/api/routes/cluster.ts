import { requireRole } from "../../auth/request-auth.js";
import type { ApiDeps } from "../app.js";
import type { TypedApp } from "./types.js";

/** GET /api/cluster: the nodes, the halls each owns and their leases, messages per second (docs/scale-out.md). */
export async function registerClusterRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const cluster = deps.cluster;
  if (!cluster) return; // an API built without a server around it (benchmarks)
  app.get("/api/cluster", async (request) => {
    requireRole(request, ["admin"]);
    return cluster.snapshot();
  });
}
