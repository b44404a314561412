import type { Aggregator } from "../aggregator/aggregator.js";
import type { AlertService } from "../alerts/alert-service.js";
import { SharedClusterView } from "../cluster/cluster-view.js";
import { LeaseFence } from "../cluster/hall-fence.js";
import { LeaseStore } from "../cluster/lease-store.js";
import { ClusterMembership } from "../cluster/membership.js";
import type { HallwatchConfig } from "../config/config.js";
import type { Logger } from "../logging.js";
import type { SqlEngine } from "../store/sql/engine.js";

/** What handles a hall on this node: its alerts and its devices. */
export interface HallHandlers {
  aggregator: Aggregator;
  alerts: AlertService;
}

export interface SharedHallsNodeOptions {
  config: HallwatchConfig;
  sql: SqlEngine;
  /** Every hall to share out (the hall directory, reloaded from the database). */
  hallIds: () => readonly string[];
  /** This node's API, for the other nodes (cluster.address, else from http.host and the port it listens on). */
  address: () => string | null;
  /** Shown by /api/cluster with each heartbeat. */
  stats: () => Record<string, unknown>;
  logger: Logger;
}

const ADOPT_RETRY_MAX_MS = 10_000;

/**
 * This node's part in sharing the halls (cluster.mode "shared", docs/scale-out.md): the leases (ClusterMembership),
 * the fence every state write of a hall goes through, and each hall's takeover, hand-over and loss applied to the
 * alerts and the aggregator, one at a time and in the order they happened.
 *
 * A takeover loads the hall's alerts and pending durations first, then its devices (unknown), then subscribes and
 * asks its agents for a rebirth (Aggregator.adoptHall). One the database refuses is tried again while the hall is
 * still this node's. A hand-over waits for the hall's last writes, which the membership still fences with the hall's
 * epoch, before it gives the lease up.
 */
export class SharedHallsNode {
  readonly membership: ClusterMembership;
  readonly fence: LeaseFence;
  readonly view: SharedClusterView;
  readonly transitions = { acquired: 0, released: 0, lost: 0 };
  private handlers: HallHandlers | null = null;
  private tail: Promise<void> = Promise.resolve();
  private readonly offs: (() => void)[] = [];
  private stopping = false;

  constructor(private readonly options: SharedHallsNodeOptions) {
    const { cluster } = options.config;
    const leases = new LeaseStore(options.sql);
    this.membership = new ClusterMembership({
      nodeId: cluster.nodeId,
      roles: cluster.roles,
      address: options.address,
      store: leases,
      hallIds: async () => options.hallIds(),
      heartbeatMs: cluster.heartbeatMs,
      leaseMs: cluster.leaseMs,
      stats: options.stats,
      drain: () => this.tail,
      logger: options.logger,
    });
    this.fence = new LeaseFence(cluster.nodeId, (hallId) => this.membership.epochOf(hallId));
    this.view = new SharedClusterView({ nodeId: cluster.nodeId, leases, leaseMs: cluster.leaseMs });
  }

  /** Whether this node handles the hall now (holds it, or is handing it over). */
  handles(hallId: string): boolean {
    return this.membership.epochOf(hallId) !== null;
  }

  get hallsHeld(): number {
    return this.membership.heldHalls().size;
  }

  /** Starts taking part: the first tick announces the node, the next takes its share of the halls. */
  async start(handlers: HallHandlers): Promise<void> {
    this.handlers = handlers;
    this.offs.push(
      this.membership.on("acquired", ({ hallId, epoch }) => this.acquired(hallId, epoch)),
      this.membership.on("released", ({ hallId }) => this.released(hallId)),
      this.membership.on("lost", ({ hallId }) => this.lost(hallId)),
    );
    await this.membership.start();
  }

  /** Hands every hall over at once (after its last writes), so the others take them at their next tick. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.membership.stop();
    await this.tail;
    for (const off of this.offs.splice(0)) off();
  }

  private acquired(hallId: string, epoch: number): void {
    this.transitions.acquired += 1;
    this.enqueue(async (h) => {
      for (
        let attempt = 0;
        this.membership.heldHalls().get(hallId) === epoch && !this.stopping;
        attempt += 1
      ) {
        try {
          await h.alerts.adoptHall(hallId);
          await h.aggregator.adoptHall(hallId);
          this.options.logger.info({ hallId, epoch }, "cluster: took the hall over");
          return;
        } catch (err) {
          this.options.logger.warn({ err, hallId }, "cluster: taking the hall over failed; trying again");
          await sleep(Math.min(ADOPT_RETRY_MAX_MS, 500 * 2 ** attempt));
        }
      }
    });
  }

  private released(hallId: string): void {
    this.transitions.released += 1;
    this.enqueue(async (h) => {
      await h.aggregator.releaseHall(hallId);
      await h.alerts.releaseHall(hallId);
      this.options.logger.info({ hallId }, "cluster: handed the hall over");
    });
  }

  private lost(hallId: string): void {
    this.transitions.lost += 1;
    this.enqueue(async (h) => {
      h.aggregator.loseHall(hallId);
      h.alerts.forgetHalls([hallId]);
      this.options.logger.warn({ hallId }, "cluster: lost the hall (taken over, or its lease expired)");
    });
  }

  private enqueue(work: (handlers: HallHandlers) => Promise<void>): void {
    const handlers = this.handlers;
    if (!handlers) return;
    this.tail = this.tail.then(() =>
      work(handlers).catch((err: unknown) =>
        this.options.logger.error({ err }, "cluster: a hall transition failed"),
      ),
    );
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());
