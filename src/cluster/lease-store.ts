import type { SqlEngine, SqlExecutor } from "../store/sql/engine.js";

/** What a node says about itself with each heartbeat. */
export interface NodeInfo {
  nodeId: string;
  /** ingest, api, jobs (HALLWATCH_ROLES). */
  roles: readonly string[];
  /** Where its API answers, for /api/cluster. */
  address?: string | null;
  startedMs: number;
}

export interface ClusterNodeRecord {
  nodeId: string;
  roles: string[];
  address: string | null;
  startedMs: number;
  heartbeatMs: number;
  stoppedMs: number | null;
  stats: Record<string, unknown> | null;
}

export interface HeldLease {
  hallId: string;
  epoch: number;
}

/** Who handles a hall now, and where its API answers (forwarded alert actions, docs/scale-out.md). */
export interface HallOwner {
  nodeId: string;
  address: string | null;
}

export interface HallLease {
  hallId: string;
  /** The last owner; after expiry or release, nobody's until another node (or this one) acquires it. */
  ownerNode: string | null;
  epoch: number;
  acquiredMs: number | null;
  expiresMs: number;
  /** Since the current owner acquired it. */
  ageMs: number | null;
  expired: boolean;
}

/**
 * A node wrote (or was about to write) a hall's state under a lease that is no longer its own with that epoch, or
 * has expired: the write is refused and rolled back, and the node must stop handling the hall.
 */
export class LeaseLostError extends Error {
  readonly code = "lease_lost";
  constructor(
    readonly hallId: string,
    readonly nodeId: string,
    readonly epoch: number,
  ) {
    super(`the lease of hall ${hallId} is no longer node ${nodeId}'s at epoch ${epoch}`);
    this.name = "LeaseLostError";
  }
}

/**
 * The halls' leases and the nodes' heartbeats, in the shared database (docs/scale-out.md, "Halls, leases and
 * fencing"). Every time comes from the caller (`nowMs`); on PostgreSQL the membership takes it from the database
 * clock (`nowMs()` here), so one clock decides every lease.
 */
export interface LeasePort {
  /** The time leases are measured in: the database server's clock on PostgreSQL, this process's on SQLite. */
  nowMs(): Promise<number>;
  heartbeat(node: NodeInfo, nowMs: number, stats?: Record<string, unknown> | null): Promise<void>;
  /** Nodes heard from within the last `leaseMs` and not stopped, by id. */
  liveNodes(nowMs: number, leaseMs: number): Promise<ClusterNodeRecord[]>;
  /** Every node ever heard from, by id. */
  nodes(): Promise<ClusterNodeRecord[]>;
  markStopped(nodeId: string, nowMs: number): Promise<void>;
  /**
   * Takes the hall's lease when it is free, expired or already this node's, and returns its epoch; null when another
   * node holds it. The epoch grows by one each time the owner changes, never otherwise. Atomic: of two nodes racing
   * for a hall, exactly one gets it.
   */
  acquire(hallId: string, nodeId: string, nowMs: number, leaseMs: number): Promise<number | null>;
  /** Extends the leases still this node's at the given epoch; returns the others (lost). */
  renew(nodeId: string, leases: readonly HeldLease[], nowMs: number, leaseMs: number): Promise<HeldLease[]>;
  /** Expires this node's leases of these halls now (another node may acquire them at once); returns those released. */
  release(nodeId: string, hallIds: readonly string[], nowMs: number): Promise<string[]>;
  /**
   * A new process starts under this node id: every lease still recorded under the id (a previous process's, which
   * crashed or is paused) loses its owner and expires now, so acquiring it again raises the epoch and fences that
   * previous process's writes. Returns how many.
   */
  abandon(nodeId: string, nowMs: number): Promise<number>;
  /** Every lease, by hall id. */
  leases(nowMs: number): Promise<HallLease[]>;
  /**
   * The node whose lease of the hall is unexpired at `nowMs`, with the address its API answers at (null when it
   * recorded none); null when nobody holds it (never leased, released, expired: a takeover in progress).
   */
  ownerOf(hallId: string, nowMs: number): Promise<HallOwner | null>;
  /**
   * Call inside a transaction before any state write of the hall. Throws LeaseLostError unless the lease is this
   * node's, at this epoch, unexpired at `nowMs`. On PostgreSQL it locks the lease row until the transaction ends, so
   * a takeover waits for the write in progress, and the new owner reads its state after that write.
   */
  assertOwner(tx: SqlExecutor, hallId: string, nodeId: string, epoch: number, nowMs: number): Promise<void>;
  /** Opens a transaction, asserts the lease, runs `fn(tx)`; nothing of `fn` is kept when the lease is lost. */
  fencedWrite<T>(
    hallId: string,
    nodeId: string,
    epoch: number,
    nowMs: number,
    fn: (tx: SqlExecutor) => Promise<T>,
  ): Promise<T>;
}

interface NodeRow {
  node_id: string;
  roles_json: string;
  address: string | null;
  started_ms: number;
  heartbeat_ms: number;
  stopped_ms: number | null;
  stats_json: string | null;
}

interface LeaseRow {
  hall_id: string;
  owner_node: string | null;
  epoch: number;
  acquired_ms: number | null;
  expires_ms: number;
}

/** Leases renewed per statement: keeps statements short and their parameters far below either engine's limit. */
const RENEW_CHUNK = 100;

const NODE_COLUMNS = "node_id, roles_json, address, started_ms, heartbeat_ms, stopped_ms, stats_json";

export class LeaseStore implements LeasePort {
  constructor(private readonly sql: SqlEngine) {}

  async nowMs(): Promise<number> {
    if (this.sql.dialect !== "postgres") return Date.now();
    const row = await this.sql.get<{ now_ms: number }>("SELECT hallwatch_now_ms() AS now_ms");
    if (!row) throw new Error("the database returned no time");
    return Number(row.now_ms);
  }

  async heartbeat(
    node: NodeInfo,
    nowMs: number,
    stats: Record<string, unknown> | null = null,
  ): Promise<void> {
    await this.sql.run(
      `INSERT INTO cluster_nodes (${NODE_COLUMNS}) VALUES (?, ?, ?, ?, ?, NULL, ?)
      ON CONFLICT (node_id) DO UPDATE SET roles_json = excluded.roles_json, address = excluded.address,
        started_ms = excluded.started_ms, heartbeat_ms = excluded.heartbeat_ms, stopped_ms = NULL,
        stats_json = excluded.stats_json`,
      [
        node.nodeId,
        JSON.stringify(node.roles),
        node.address ?? null,
        node.startedMs,
        nowMs,
        stats === null ? null : JSON.stringify(stats),
      ],
    );
  }

  async liveNodes(nowMs: number, leaseMs: number): Promise<ClusterNodeRecord[]> {
    const rows = await this.sql.all<NodeRow>(
      `SELECT ${NODE_COLUMNS} FROM cluster_nodes WHERE stopped_ms IS NULL AND heartbeat_ms > ?`,
      [nowMs - leaseMs],
    );
    return rows.map(toNode).sort(byNodeId);
  }

  async nodes(): Promise<ClusterNodeRecord[]> {
    return (await this.sql.all<NodeRow>(`SELECT ${NODE_COLUMNS} FROM cluster_nodes`))
      .map(toNode)
      .sort(byNodeId);
  }

  async markStopped(nodeId: string, nowMs: number): Promise<void> {
    await this.sql.run("UPDATE cluster_nodes SET stopped_ms = ? WHERE node_id = ?", [nowMs, nodeId]);
  }

  async acquire(hallId: string, nodeId: string, nowMs: number, leaseMs: number): Promise<number | null> {
    // One statement, so the engine's row lock makes it atomic: a racing insert waits for the other and then sees
    // its row, a racing update re-reads the row it waited for, and the WHERE refuses a lease someone else holds.
    const row = await this.sql.get<{ epoch: number }>(
      `INSERT INTO hall_leases (hall_id, owner_node, epoch, acquired_ms, expires_ms) VALUES (?, ?, 1, ?, ?)
      ON CONFLICT (hall_id) DO UPDATE SET
        epoch = CASE WHEN hall_leases.owner_node IS NOT DISTINCT FROM excluded.owner_node
          THEN hall_leases.epoch ELSE hall_leases.epoch + 1 END,
        acquired_ms = CASE WHEN hall_leases.owner_node IS NOT DISTINCT FROM excluded.owner_node
          THEN hall_leases.acquired_ms ELSE excluded.acquired_ms END,
        owner_node = excluded.owner_node,
        expires_ms = excluded.expires_ms
      WHERE hall_leases.owner_node IS NOT DISTINCT FROM excluded.owner_node
        OR hall_leases.owner_node IS NULL
        OR hall_leases.expires_ms <= excluded.acquired_ms
      RETURNING epoch`,
      [hallId, nodeId, nowMs, nowMs + leaseMs],
    );
    return row ? Number(row.epoch) : null;
  }

  async renew(
    nodeId: string,
    leases: readonly HeldLease[],
    nowMs: number,
    leaseMs: number,
  ): Promise<HeldLease[]> {
    const renewed = new Set<string>();
    for (let i = 0; i < leases.length; i += RENEW_CHUNK) {
      const chunk = leases.slice(i, i + RENEW_CHUNK);
      // Renewing an expired lease is safe when the owner and epoch still match: another owner would have raised
      // the epoch, so nobody has written the hall since.
      const match = `owner_node = ? AND (${chunk.map(() => "(hall_id = ? AND epoch = ?)").join(" OR ")})`;
      // On PostgreSQL the rows are locked in hall order first, the order a fenced write locks them in (HallFence):
      // two transactions taking the same rows in different orders could deadlock.
      const where =
        this.sql.dialect === "postgres"
          ? `hall_id IN (SELECT hall_id FROM hall_leases WHERE ${match} ORDER BY hall_id FOR UPDATE)`
          : match;
      const rows = await this.sql.all<{ hall_id: string; epoch: number }>(
        `UPDATE hall_leases SET expires_ms = ? WHERE ${where} RETURNING hall_id, epoch`,
        [nowMs + leaseMs, nodeId, ...chunk.flatMap((l) => [l.hallId, l.epoch])],
      );
      for (const row of rows) renewed.add(`${row.hall_id}\0${Number(row.epoch)}`);
    }
    return leases.filter((l) => !renewed.has(`${l.hallId}\0${l.epoch}`));
  }

  async release(nodeId: string, hallIds: readonly string[], nowMs: number): Promise<string[]> {
    const released: string[] = [];
    for (let i = 0; i < hallIds.length; i += RENEW_CHUNK) {
      const chunk = hallIds.slice(i, i + RENEW_CHUNK);
      // The owner stays recorded (so /api/cluster shows who had it); the next acquirer raises the epoch.
      const rows = await this.sql.all<{ hall_id: string }>(
        `UPDATE hall_leases SET expires_ms = ?
        WHERE owner_node = ? AND expires_ms > ? AND hall_id IN (${chunk.map(() => "?").join(", ")})
        RETURNING hall_id`,
        [nowMs, nodeId, nowMs, ...chunk],
      );
      released.push(...rows.map((r) => r.hall_id));
    }
    return released.sort();
  }

  async abandon(nodeId: string, nowMs: number): Promise<number> {
    const result = await this.sql.run(
      `UPDATE hall_leases SET owner_node = NULL, acquired_ms = NULL,
        expires_ms = CASE WHEN expires_ms > ? THEN ? ELSE expires_ms END
      WHERE owner_node = ?`,
      [nowMs, nowMs, nodeId],
    );
    return result.changes;
  }

  async leases(nowMs: number): Promise<HallLease[]> {
    const rows = await this.sql.all<LeaseRow>(
      "SELECT hall_id, owner_node, epoch, acquired_ms, expires_ms FROM hall_leases",
    );
    return rows
      .map((r) => ({
        hallId: r.hall_id,
        ownerNode: r.owner_node,
        epoch: Number(r.epoch),
        acquiredMs: r.acquired_ms === null ? null : Number(r.acquired_ms),
        expiresMs: Number(r.expires_ms),
        ageMs: r.acquired_ms === null ? null : nowMs - Number(r.acquired_ms),
        expired: Number(r.expires_ms) <= nowMs,
      }))
      .sort((a, b) => (a.hallId < b.hallId ? -1 : a.hallId > b.hallId ? 1 : 0));
  }

  async ownerOf(hallId: string, nowMs: number): Promise<HallOwner | null> {
    const row = await this.sql.get<{ owner_node: string; address: string | null }>(
      `SELECT l.owner_node, n.address FROM hall_leases l LEFT JOIN cluster_nodes n ON n.node_id = l.owner_node
      WHERE l.hall_id = ? AND l.owner_node IS NOT NULL AND l.expires_ms > ?`,
      [hallId, nowMs],
    );
    return row ? { nodeId: row.owner_node, address: row.address ?? null } : null;
  }

  async assertOwner(
    tx: SqlExecutor,
    hallId: string,
    nodeId: string,
    epoch: number,
    nowMs: number,
  ): Promise<void> {
    // SQLite's transactions hold the database's write lock from BEGIN IMMEDIATE: no row lock is needed there.
    const lock = tx.dialect === "postgres" ? " FOR UPDATE" : "";
    const row = await tx.get<LeaseRow>(
      `SELECT owner_node, epoch, expires_ms FROM hall_leases WHERE hall_id = ?${lock}`,
      [hallId],
    );
    if (!row || row.owner_node !== nodeId || Number(row.epoch) !== epoch || Number(row.expires_ms) <= nowMs)
      throw new LeaseLostError(hallId, nodeId, epoch);
  }

  fencedWrite<T>(
    hallId: string,
    nodeId: string,
    epoch: number,
    nowMs: number,
    fn: (tx: SqlExecutor) => Promise<T>,
  ): Promise<T> {
    return fencedWrite(this.sql, hallId, nodeId, epoch, nowMs, fn);
  }
}

/** Runs `fn(tx)` in a transaction that first asserts this node's lease of the hall (see LeasePort.assertOwner). */
export async function fencedWrite<T>(
  engine: SqlEngine,
  hallId: string,
  nodeId: string,
  epoch: number,
  nowMs: number,
  fn: (tx: SqlExecutor) => Promise<T>,
): Promise<T> {
  const store = new LeaseStore(engine);
  return engine.transaction(async (tx) => {
    await store.assertOwner(tx, hallId, nodeId, epoch, nowMs);
    return fn(tx);
  });
}

function toNode(row: NodeRow): ClusterNodeRecord {
  return {
    nodeId: row.node_id,
    roles: JSON.parse(row.roles_json) as string[],
    address: row.address,
    startedMs: Number(row.started_ms),
    heartbeatMs: Number(row.heartbeat_ms),
    stoppedMs: row.stopped_ms === null ? null : Number(row.stopped_ms),
    stats: row.stats_json === null ? null : (JSON.parse(row.stats_json) as Record<string, unknown>),
  };
}

function byNodeId(a: ClusterNodeRecord, b: ClusterNodeRecord): number {
  return a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0;
}
