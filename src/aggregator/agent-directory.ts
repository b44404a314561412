import type { SqlExecutor } from "../store/sql/engine.js";

/** A lookup that found no agent is not repeated for this long (a flood from an unknown agent costs no query each). */
const NEGATIVE_CACHE_MS = 10_000;
const LOAD = "SELECT id, hall_id FROM agents WHERE revoked_ms IS NULL";
const LOOKUP = "SELECT hall_id FROM agents WHERE id = ? AND revoked_ms IS NULL";

/**
 * Which agents are provisioned (and not revoked), and in which hall, for the ingest path that must answer
 * synchronously. The whole table is held in memory: loaded at start, reloaded every `refreshMs` (an agent revoked
 * through another node is refused from the next reload on; one revoked through this node at once, see
 * Aggregator.refreshAgents), and an agent the map does not hold is looked up on its own (provisioned since the last
 * load). The caller decides what waits for such a lookup (see AgentGate).
 */
export class AgentDirectory {
  private hallByAgent = new Map<string, string>();
  private readonly missedAtMs = new Map<string, number>();
  private readonly lookups = new Map<string, Promise<string | null>>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly sql: SqlExecutor,
    private readonly onRefreshError: (err: unknown) => void,
  ) {}

  async load(): Promise<void> {
    const rows = await this.sql.all<{ id: string; hall_id: string }>(LOAD);
    this.hallByAgent = new Map(rows.map((r) => [r.id, r.hall_id]));
    this.missedAtMs.clear();
  }

  start(refreshMs: number): void {
    if (this.timer || refreshMs <= 0) return;
    this.timer = setInterval(() => void this.load().catch(this.onRefreshError), refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * The agent's hall; null when it is not provisioned (a lookup said so within the last 10 s); undefined when only
   * a lookup can tell.
   */
  known(agentId: string, nowMs: number): string | null | undefined {
    const hallId = this.hallByAgent.get(agentId);
    if (hallId !== undefined) return hallId;
    const missed = this.missedAtMs.get(agentId);
    return missed !== undefined && nowMs - missed < NEGATIVE_CACHE_MS ? null : undefined;
  }

  /** Asks the database about one agent (one query however many ask at once) and remembers the answer. */
  lookUp(agentId: string, nowMs: number): Promise<string | null> {
    let lookup = this.lookups.get(agentId);
    if (!lookup) {
      lookup = this.query(agentId, nowMs).finally(() => this.lookups.delete(agentId));
      this.lookups.set(agentId, lookup);
    }
    return lookup;
  }

  /** The hall, from memory when it knows, else from the database. */
  async hallOf(agentId: string, nowMs: number): Promise<string | null> {
    return this.known(agentId, nowMs) ?? (await this.lookUp(agentId, nowMs));
  }

  private async query(agentId: string, nowMs: number): Promise<string | null> {
    const row = await this.sql.get<{ hall_id: string }>(LOOKUP, [agentId]);
    if (!row) {
      if (this.missedAtMs.size > 10_000) this.missedAtMs.clear();
      this.missedAtMs.set(agentId, nowMs);
      return null;
    }
    this.missedAtMs.delete(agentId);
    this.hallByAgent.set(agentId, row.hall_id);
    return row.hall_id;
  }
}
