import pg from "pg";
import { errorMessage, redactUrls } from "../store/sql/error-text.js";

/** Another node holds the database: a configuration to fix, not a failure a restart would mend. */
export class AnotherNodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AnotherNodeError";
  }
}

/** Any fixed key, apart from the migration lock's. */
const ONE_NODE_LOCK_KEY = 7_118_430_002;

/**
 * One Hallwatch node per PostgreSQL database, until the server shares halls by leases (docs/scale-out.md): a
 * second node would process every hall again. A session advisory lock held on a connection of its own, so it
 * ends with the process, even on SIGKILL; `lost` says the connection (and so the lock) went away.
 */
export class OneNodeLock {
  private lostLock = false;

  private constructor(private readonly client: pg.Client) {
    client.on("error", () => {
      this.lostLock = true;
    });
    client.on("end", () => {
      this.lostLock = true;
    });
  }

  get lost(): boolean {
    return this.lostLock;
  }

  static async acquire(databaseUrl: string, nodeId: string): Promise<OneNodeLock> {
    const client = new pg.Client({
      connectionString: databaseUrl,
      application_name: `hallwatch-lock-${nodeId}`.slice(0, 63),
    });
    try {
      await client.connect();
    } catch (err) {
      throw new Error(`cannot reach the database: ${redactUrls(errorMessage(err))}`);
    }
    try {
      const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [
        ONE_NODE_LOCK_KEY,
      ]);
      if (!rows[0]?.locked) {
        const holder = await client.query<{ application_name: string }>(
          `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.objid = $1 AND l.granted`,
          [ONE_NODE_LOCK_KEY % 2 ** 32],
        );
        const name = holder.rows[0]?.application_name.replace(/^hallwatch-lock-/, "") ?? "unknown";
        throw new AnotherNodeError(
          `another Hallwatch node (${name}) is running on this database: this version runs one node per ` +
            "PostgreSQL database (several nodes sharing the halls is not built yet; docs/scale-out.md)",
        );
      }
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    return new OneNodeLock(client);
  }

  async release(): Promise<void> {
    if (this.lostLock) return;
    this.lostLock = true;
    await this.client.end().catch(() => undefined);
  }
}

export interface OneNodeGuardOptions {
  /** How often a lost lock is taken again (default 5 s). */
  intervalMs?: number;
  /** Another node took the database while this one was cut off from it: this node must stop. */
  onTaken: (err: AnotherNodeError) => void;
  /** The database is still unreachable (tried again at the next interval). */
  onRetryError?: (err: Error) => void;
}

/**
 * Holds the OneNodeLock for a node's whole run: when its connection is lost (the database restarted, the network
 * cut), the lock is taken again as soon as the database answers; if another node took it meanwhile, `onTaken`.
 */
export class OneNodeGuard {
  private timer: NodeJS.Timeout | null = null;
  private paused = false;
  private retrying: Promise<void> | null = null;

  private constructor(
    private lock: OneNodeLock | null,
    private readonly databaseUrl: string,
    private readonly nodeId: string,
    private readonly options: OneNodeGuardOptions,
  ) {}

  static async start(
    databaseUrl: string,
    nodeId: string,
    options: OneNodeGuardOptions,
  ): Promise<OneNodeGuard> {
    const guard = new OneNodeGuard(
      await OneNodeLock.acquire(databaseUrl, nodeId),
      databaseUrl,
      nodeId,
      options,
    );
    guard.timer = setInterval(() => guard.check(), options.intervalMs ?? 5_000);
    guard.timer.unref();
    return guard;
  }

  /** For tests: no retries until resume(). */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.retrying;
    await this.lock?.release();
    this.lock = null;
  }

  private check(): void {
    if (this.paused || this.retrying || !this.lock?.lost) return;
    this.retrying = OneNodeLock.acquire(this.databaseUrl, this.nodeId)
      .then(
        (lock) => {
          if (this.timer) this.lock = lock;
          else void lock.release(); // stopped meanwhile
        },
        (err: Error) => {
          if (err instanceof AnotherNodeError) {
            if (this.timer) clearInterval(this.timer);
            this.timer = null;
            this.lock = null;
            this.options.onTaken(err);
          } else this.options.onRetryError?.(err);
        },
      )
      .finally(() => {
        this.retrying = null;
      });
  }
}
