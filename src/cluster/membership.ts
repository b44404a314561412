import { EventBus } from "../aggregator/event-bus.js";
import { assignHalls } from "../core/cluster/rendezvous.js";
import type { Logger } from "../logging.js";
import type { HeldLease, LeasePort } from "./lease-store.js";

export interface MembershipEvents {
  /** This node now handles the hall; every state write of it is fenced with this epoch. */
  acquired: { hallId: string; epoch: number };
  /** This node handed the hall over (rebalance or stop): it stops handling it. */
  released: { hallId: string; epoch: number };
  /** The lease was taken over, or could not be renewed in time: stop handling the hall at once, write nothing more. */
  lost: { hallId: string; epoch: number };
}

export interface ClusterMembershipOptions {
  nodeId: string;
  /** Only nodes with the ingest role own halls (default: every role). */
  roles?: readonly string[];
  /** Where this node's API answers (read at each heartbeat: it may be known only once the server listens). */
  address?: string | null | (() => string | null);
  store: LeasePort;
  /** Every hall to share out. */
  hallIds: () => Promise<readonly string[]>;
  /**
   * The clock leases are measured in. Default: the store's (`SELECT hallwatch_now_ms()` on PostgreSQL). Injected by
   * tests; when given it also measures the local renewal deadline.
   */
  now?: () => number;
  heartbeatMs?: number;
  leaseMs?: number;
  /** Shown in /api/cluster with each heartbeat (messages per second…). */
  stats?: () => Record<string, unknown>;
  /** Awaited after `released` and before the lease is given up, so the hall's last writes land first. */
  drain?: (hallIds: readonly string[]) => Promise<void>;
  logger: Logger;
}

export const DEFAULT_HEARTBEAT_MS = 5_000;
export const DEFAULT_LEASE_MS = 15_000;
/** How soon a node looks again for halls of its share that another node still holds. */
const SOON_MS = 1_000;
const ALL_ROLES = ["ingest", "api", "jobs"] as const;

/**
 * This node's part in sharing the halls (docs/scale-out.md, "Halls, leases and fencing"). Each tick: renew the
 * leases held, heartbeat, hand over the halls rendezvous hashing now gives to another live node, and acquire the
 * free or expired ones it gives to this node.
 *
 * Time: on PostgreSQL every lease time is read from the database server's clock (one clock for all nodes), so a
 * node whose own clock is minutes off neither steals a live lease nor keeps an expired one. The only local time
 * used is a monotonic one, and only for a duration: a node that has not renewed for a whole lease (measured from
 * before it sent the last successful renewal, so it is never longer than the lease the database granted) drops
 * its halls, since another node may have taken them. Correctness never rests on that guess: every state write is
 * fenced by the epoch under a row lock (LeasePort.assertOwner), so a node that was paused or cut off cannot
 * overwrite the new owner's state even if it has not noticed yet.
 */
export class ClusterMembership {
  readonly nodeId: string;
  private readonly events: EventBus<MembershipEvents>;
  private readonly held = new Map<string, number>();
  /** Halls handed over whose last writes are landing (drain): no longer held, still fenced with their epoch. */
  private readonly draining = new Map<string, number>();
  private readonly heartbeatMs: number;
  private readonly leaseMs: number;
  private readonly roles: readonly string[];
  private readonly localMs: () => number;
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private startedMs: number | null = null;
  private renewedAtLocalMs: number | null = null;
  private stopping = false;
  /** Heard by the others: a node acquires only from its second round (see round()). */
  private announced = false;
  private lastShare: { key: string; halls: Set<string> } | null = null;

  constructor(private readonly options: ClusterMembershipOptions) {
    this.nodeId = options.nodeId;
    this.events = new EventBus<MembershipEvents>(options.logger);
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.roles = options.roles ?? ALL_ROLES;
    this.localMs = options.now ?? (() => performance.now());
  }

  on<K extends keyof MembershipEvents>(
    event: K,
    listener: (payload: MembershipEvents[K]) => void,
  ): () => void {
    return this.events.on(event, listener);
  }

  /** The halls this node handles, with the epoch to fence their writes with. */
  heldHalls(): ReadonlyMap<string, number> {
    return this.held;
  }

  /** The epoch this node's writes of the hall are fenced with: while it holds it, and while it drains it. */
  epochOf(hallId: string): number | null {
    return this.held.get(hallId) ?? this.draining.get(hallId) ?? null;
  }

  /** Runs the first tick, then one every heartbeat; a tick that fails is logged and tried again at the next. */
  async start(): Promise<void> {
    if (this.timer) return;
    this.stopping = false;
    await this.tick();
    this.schedule();
  }

  /** Hands every hall over at once and marks the node stopped, so the others take over at their next tick. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.announced = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.soonTimer) clearTimeout(this.soonTimer);
    this.soonTimer = null;
    // A database that hangs is not waited for longer than a lease: by then the leases have expired anyway, and
    // `stopping` keeps a late tick from taking halls.
    if (this.running) await this.atMostOneLease(this.running);
    const handingOver = this.handOver([...this.held.keys()])
      .then(async () => this.options.store.markStopped(this.nodeId, await this.nowMs()))
      .catch((err: unknown) => {
        // The leases expire by themselves; the others take over then.
        this.options.logger.warn({ err, node: this.nodeId }, "cluster: could not release the halls on stop");
      });
    await this.atMostOneLease(handingOver);
  }

  private async atMostOneLease(work: Promise<unknown>): Promise<void> {
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      work,
      new Promise((resolve) => {
        timeout = setTimeout(resolve, this.leaseMs);
      }),
    ]);
    clearTimeout(timeout);
  }

  /** One round; never two at once (a slow database makes the next wait, not pile up). */
  tick(): Promise<void> {
    if (!this.running) {
      this.running = this.round().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  private soonTimer: NodeJS.Timeout | null = null;

  /** One extra tick in a second, while running (not for ticks driven by hand). */
  private soon(): void {
    if (!this.timer || this.soonTimer || this.stopping) return;
    this.soonTimer = setTimeout(
      () => {
        this.soonTimer = null;
        void this.tick();
      },
      Math.min(SOON_MS, this.heartbeatMs),
    );
    this.soonTimer.unref();
  }

  private schedule(): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      // Checked even while a tick hangs on an unreachable database.
      this.dropIfUnrenewed();
      if (!this.running) void this.tick();
      this.schedule();
    }, this.heartbeatMs);
    this.timer.unref();
  }

  private async round(): Promise<void> {
    const startedLocalMs = this.localMs();
    try {
      const nowMs = await this.nowMs();
      this.startedMs ??= nowMs;
      await this.renew(nowMs, startedLocalMs);
      const { store } = this.options;
      const ingest = this.roles.includes("ingest") && !this.stopping;
      // A node that has only just announced itself takes no hall yet: nodes starting together would otherwise each
      // grab every free hall in their first round and hand most of them over in the next (a load storm).
      const settled = this.announced;
      // A tick that outlived stop() (a slow database) must not heartbeat: that would mark the node live again.
      if (this.stopping) return;
      // Leases still recorded under this id belong to a previous process of this node (crashed, or paused and
      // about to wake up): give them up so that taking them again raises the epoch and fences that process.
      if (!settled) await store.abandon(this.nodeId, nowMs);
      await store.heartbeat(
        {
          nodeId: this.nodeId,
          roles: this.roles,
          address:
            typeof this.options.address === "function"
              ? this.options.address()
              : (this.options.address ?? null),
          startedMs: this.startedMs,
        },
        nowMs,
        this.options.stats?.() ?? null,
      );
      this.announced = true;
      const live = (await store.liveNodes(nowMs, this.leaseMs))
        .filter((n) => n.roles.includes("ingest"))
        .map((n) => n.nodeId)
        .filter((id) => id !== this.nodeId);
      if (ingest) live.push(this.nodeId);
      const hallIds = await this.options.hallIds();
      const mine = this.share(hallIds, live);
      if (this.stopping) return; // stop() hands everything over itself
      await this.handOver([...this.held.keys()].filter((h) => !mine.has(h)));
      let waiting = 0;
      for (const hallId of mine) {
        if (!settled || this.held.has(hallId) || this.stopping) continue;
        const epoch = await store.acquire(hallId, this.nodeId, nowMs, this.leaseMs);
        if (epoch === null) waiting += 1;
        if (epoch === null || this.stopping) continue;
        this.held.set(hallId, epoch);
        this.events.emit("acquired", { hallId, epoch });
      }
      // Halls of its share still held elsewhere (a crashed node's lease not yet expired, a node about to hand
      // them over): look again within a second rather than a whole heartbeat, so a takeover follows the expiry.
      if (waiting > 0) this.soon();
    } catch (err) {
      this.options.logger.error(
        { err, node: this.nodeId },
        "cluster: tick failed; trying again next heartbeat",
      );
      this.dropIfUnrenewed();
    }
  }

  /**
   * This node's halls by rendezvous, recomputed only when the live nodes or the halls change: hashing thousands of
   * halls for every node at each heartbeat would be wasted work.
   */
  private share(hallIds: readonly string[], live: readonly string[]): Set<string> {
    const key = `${[...live].sort().join("\0")}\n${hallIds.join("\0")}`;
    if (this.lastShare?.key !== key)
      this.lastShare = { key, halls: new Set(assignHalls(hallIds, live).get(this.nodeId) ?? []) };
    return this.lastShare.halls;
  }

  private async renew(nowMs: number, startedLocalMs: number): Promise<void> {
    const leases: HeldLease[] = [...this.held].map(([hallId, epoch]) => ({ hallId, epoch }));
    const lost = await this.options.store.renew(this.nodeId, leases, nowMs, this.leaseMs);
    this.renewedAtLocalMs = startedLocalMs;
    for (const lease of lost) this.lose(lease);
  }

  private async handOver(hallIds: readonly string[]): Promise<void> {
    if (hallIds.length === 0) return;
    for (const hallId of hallIds) {
      const epoch = this.held.get(hallId);
      if (epoch === undefined) continue;
      this.held.delete(hallId);
      this.draining.set(hallId, epoch);
      this.events.emit("released", { hallId, epoch });
    }
    try {
      await this.options.drain?.(hallIds);
    } catch (err) {
      this.options.logger.warn({ err, node: this.nodeId }, "cluster: draining halls before release failed");
    } finally {
      for (const hallId of hallIds) this.draining.delete(hallId);
    }
    // Not ours locally any more, whatever happens here: if the release fails, the lease expires by itself.
    await this.options.store.release(this.nodeId, hallIds, await this.nowMs());
  }

  /** A whole lease without a renewal: another node may own these halls now, so stop handling them. */
  private dropIfUnrenewed(): void {
    if (this.held.size === 0 || this.renewedAtLocalMs === null) return;
    if (this.localMs() - this.renewedAtLocalMs < this.leaseMs) return;
    this.options.logger.error(
      { node: this.nodeId, halls: this.held.size },
      "cluster: leases not renewed for a whole lease; dropping every hall",
    );
    for (const [hallId, epoch] of [...this.held]) this.lose({ hallId, epoch });
  }

  private lose(lease: HeldLease): void {
    if (this.held.get(lease.hallId) !== lease.epoch) return;
    this.held.delete(lease.hallId);
    this.events.emit("lost", lease);
  }

  private async nowMs(): Promise<number> {
    return this.options.now ? this.options.now() : this.options.store.nowMs();
  }
}
