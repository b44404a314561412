import type { LeasePort } from "./lease-store.js";

/** One node as GET /api/cluster shows it. */
export interface ClusterNodeView {
  nodeId: string;
  roles: string[];
  /** Where its API answers, as it announced itself (null when unknown). */
  address: string | null;
  startedMs: number;
  lastHeartbeatMs: number;
  /** Heard within the lease and not stopped. */
  live: boolean;
  /** This node (the one answering). */
  self: boolean;
  /** Halls it owns now (unexpired leases). */
  halls: number;
  /** MQTT messages per second its aggregator received, over its last heartbeat interval (null: not reported). */
  messagesPerSec: number | null;
}

export interface ClusterHallView {
  hallId: string;
  ownerNode: string | null;
  /** Grows by one each time the owner changes (null on a single node: no leases). */
  epoch: number | null;
  /** How long the current owner has held it. */
  leaseAgeMs: number | null;
  /** No node holds it now: it is being taken over. */
  expired: boolean;
}

export interface ClusterSnapshot {
  /** "single": one node owns every hall (SQLite, or PostgreSQL without sharing); "shared": halls split by leases. */
  mode: "single" | "shared";
  nodeId: string;
  atMs: number;
  nodes: ClusterNodeView[];
  halls: ClusterHallView[];
}

export interface ClusterView {
  snapshot(): Promise<ClusterSnapshot>;
}

/** The embedded default: this node owns every hall, no leases. */
export class SingleNodeView implements ClusterView {
  constructor(
    private readonly options: {
      nodeId: string;
      roles: readonly string[];
      startedMs: number;
      hallIds: () => readonly string[];
      messagesPerSec: () => number | null;
      now: () => number;
    },
  ) {}

  async snapshot(): Promise<ClusterSnapshot> {
    const { nodeId, roles, startedMs } = this.options;
    const nowMs = this.options.now();
    const hallIds = [...this.options.hallIds()].sort();
    return {
      mode: "single",
      nodeId,
      atMs: nowMs,
      nodes: [
        {
          nodeId,
          roles: [...roles],
          address: null,
          startedMs,
          lastHeartbeatMs: nowMs,
          live: true,
          self: true,
          halls: hallIds.length,
          messagesPerSec: this.options.messagesPerSec(),
        },
      ],
      halls: hallIds.map((hallId) => ({
        hallId,
        ownerNode: nodeId,
        epoch: null,
        leaseAgeMs: null,
        expired: false,
      })),
    };
  }
}

/** Several nodes: what the shared database says of every node and lease, read on each call. */
export class SharedClusterView implements ClusterView {
  constructor(private readonly options: { nodeId: string; leases: LeasePort; leaseMs: number }) {}

  async snapshot(): Promise<ClusterSnapshot> {
    const { leases, leaseMs, nodeId } = this.options;
    const nowMs = await leases.nowMs();
    const [nodes, halls] = await Promise.all([leases.nodes(), leases.leases(nowMs)]);
    const owned = new Map<string, number>();
    for (const lease of halls)
      if (!lease.expired && lease.ownerNode)
        owned.set(lease.ownerNode, (owned.get(lease.ownerNode) ?? 0) + 1);
    return {
      mode: "shared",
      nodeId,
      atMs: nowMs,
      nodes: nodes.map((n) => {
        const rate = n.stats?.messagesPerSec;
        return {
          nodeId: n.nodeId,
          roles: n.roles,
          address: n.address,
          startedMs: n.startedMs,
          lastHeartbeatMs: n.heartbeatMs,
          live: n.stoppedMs === null && n.heartbeatMs > nowMs - leaseMs,
          self: n.nodeId === nodeId,
          halls: owned.get(n.nodeId) ?? 0,
          messagesPerSec: typeof rate === "number" ? rate : null,
        };
      }),
      halls: halls.map((lease) => ({
        hallId: lease.hallId,
        ownerNode: lease.expired ? null : lease.ownerNode,
        epoch: lease.epoch,
        leaseAgeMs: lease.expired ? null : lease.ageMs,
        expired: lease.expired,
      })),
    };
  }
}

/**
 * Messages per second from a growing count, over the interval between two samples (a heartbeat). The first sample
 * gives null: there is no interval yet.
 */
export class RateMeter {
  private last: { count: number; atMs: number } | null = null;
  private rate: number | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly count: () => number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  sample(): number | null {
    const count = this.count();
    const atMs = this.now();
    if (this.last && atMs > this.last.atMs)
      this.rate = Math.round(((count - this.last.count) * 1000 * 10) / (atMs - this.last.atMs)) / 10;
    this.last = { count, atMs };
    return this.rate;
  }

  get current(): number | null {
    return this.rate;
  }

  /** Samples every `intervalMs` (on a single node; in a cluster the heartbeat samples). */
  start(intervalMs: number): void {
    if (this.timer) return;
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
