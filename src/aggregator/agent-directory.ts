import type { Db } from "../store/database.js";

const NEGATIVE_CACHE_MS = 10_000;

/**
 * Which agents are provisioned, and in which hall. Cached in memory; a miss is looked up again at most
 * every 10 s, so an agent provisioned by another process is found without a restart.
 */
export class AgentDirectory {
  private readonly hallByAgent = new Map<string, string>();
  private readonly missedAtMs = new Map<string, number>();
  private readonly lookup;

  constructor(db: Db) {
    this.lookup = db.prepare("SELECT hall_id FROM agents WHERE id = ? AND revoked_ms IS NULL");
  }

  hallOf(agentId: string, nowMs: number): string | null {
    const cached = this.hallByAgent.get(agentId);
    if (cached !== undefined) return cached;
    const missed = this.missedAtMs.get(agentId);
    if (missed !== undefined && nowMs - missed < NEGATIVE_CACHE_MS) return null;
    const row = this.lookup.get(agentId) as { hall_id: string } | undefined;
    if (!row) {
      if (this.missedAtMs.size > 10_000) this.missedAtMs.clear();
      this.missedAtMs.set(agentId, nowMs);
      return null;
    }
    this.missedAtMs.delete(agentId);
    this.hallByAgent.set(agentId, row.hall_id);
    return row.hall_id;
  }

  /** Forget an agent (revoked or moved) so the next message looks it up again. */
  invalidate(agentId: string): void {
    this.hallByAgent.delete(agentId);
    this.missedAtMs.delete(agentId);
  }
}
