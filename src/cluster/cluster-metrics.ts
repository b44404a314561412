import { Counter, Gauge, type Registry } from "prom-client";

export interface ClusterMetricsSource {
  nodeId: string;
  roles: readonly string[];
  /** Halls this node handles now. */
  hallsOwned(): number;
  /** Halls taken on, handed over and lost (taken over, or not renewed in time) since the node started. */
  transitions(): { acquired: number; released: number; lost: number };
}

/**
 * This node's part in the cluster, for Prometheus: each node is scraped on its own (its `instance`), and
 * `hallwatch_node_info` names it so dashboards can join on the node id used in /api/cluster and the leases.
 */
export function registerClusterMetrics(registry: Registry, source: ClusterMetricsSource): void {
  new Gauge({
    name: "hallwatch_node_info",
    help: "This node's id and roles (always 1)",
    labelNames: ["node", "roles"],
    registers: [registry],
    collect() {
      this.set({ node: source.nodeId, roles: source.roles.join(",") }, 1);
    },
  });
  new Gauge({
    name: "hallwatch_halls_owned",
    help: "Halls this node handles now (all of them on a single node)",
    registers: [registry],
    collect() {
      this.set(source.hallsOwned());
    },
  });
  const seen = { acquired: 0, released: 0, lost: 0 };
  new Counter({
    name: "hallwatch_hall_leases_total",
    help: "Hall leases this node acquired, released (handed over) and lost (taken over or expired) since it started",
    labelNames: ["event"],
    registers: [registry],
    collect() {
      const now = source.transitions();
      for (const event of ["acquired", "released", "lost"] as const) {
        if (now[event] > seen[event]) this.inc({ event }, now[event] - seen[event]);
        seen[event] = Math.max(seen[event], now[event]);
      }
    },
  });
}
