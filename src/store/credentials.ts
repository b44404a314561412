import { generateSecret, hashSecret, verifySecret } from "../security/secrets.js";
import type { Db } from "./database.js";

/** Who may connect to the broker: a provisioned agent, or a service (the aggregator) with full rights. */
export type Principal =
  | { type: "agent"; agentId: string; hallId: string; secretHash: string }
  | { type: "service"; serviceId: string; secretHash: string };

/** The port the broker authenticates against. Service ids start with `_` so they never clash with agent ids. */
export interface CredentialLookup {
  findPrincipal(username: string): Principal | null;
}

export interface ProvisionedAgent {
  agentId: string;
  hallId: string;
  /** Shown once to whoever provisions the agent; only its hash is stored. */
  secret: string;
}

export class CredentialStore implements CredentialLookup {
  constructor(private readonly db: Db) {}

  findPrincipal(username: string): Principal | null {
    if (username.startsWith("_")) {
      const row = this.db
        .prepare("SELECT id, secret_hash FROM service_accounts WHERE id = ?")
        .get(username) as { id: string; secret_hash: string } | undefined;
      return row ? { type: "service", serviceId: row.id, secretHash: row.secret_hash } : null;
    }
    const row = this.db
      .prepare("SELECT id, hall_id, secret_hash FROM agents WHERE id = ? AND revoked_ms IS NULL")
      .get(username) as { id: string; hall_id: string; secret_hash: string } | undefined;
    return row ? { type: "agent", agentId: row.id, hallId: row.hall_id, secretHash: row.secret_hash } : null;
  }

  /** Creates an agent with a fresh secret. Fails if the agent id exists or the hall does not. */
  async provisionAgent(
    hallId: string,
    agentId: string,
    name?: string,
    nowMs = Date.now(),
  ): Promise<ProvisionedAgent> {
    const secret = generateSecret();
    const hash = await hashSecret(secret);
    this.db
      .prepare("INSERT INTO agents (id, hall_id, name, secret_hash, created_ms) VALUES (?, ?, ?, ?, ?)")
      .run(agentId, hallId, name ?? null, hash, nowMs);
    return { agentId, hallId, secret };
  }

  /** Replaces an agent's secret; the old one stops working at its next connect. */
  async rotateAgentSecret(agentId: string, nowMs = Date.now()): Promise<ProvisionedAgent> {
    const secret = generateSecret();
    const hash = await hashSecret(secret);
    const row = this.db.prepare("SELECT hall_id FROM agents WHERE id = ?").get(agentId) as
      | { hall_id: string }
      | undefined;
    if (!row) throw new Error(`unknown agent ${agentId}`);
    this.db
      .prepare("UPDATE agents SET secret_hash = ?, rotated_ms = ?, revoked_ms = NULL WHERE id = ?")
      .run(hash, nowMs, agentId);
    return { agentId, hallId: row.hall_id, secret };
  }

  /** Provisioned agents (never their secrets), for the admin pages. */
  listAgents(): {
    agentId: string;
    hallId: string;
    name: string | null;
    createdMs: number;
    rotatedMs: number | null;
    revokedMs: number | null;
  }[] {
    return (
      this.db
        .prepare(
          "SELECT id, hall_id, name, created_ms, rotated_ms, revoked_ms FROM agents ORDER BY hall_id, id",
        )
        .all() as {
        id: string;
        hall_id: string;
        name: string | null;
        created_ms: number;
        rotated_ms: number | null;
        revoked_ms: number | null;
      }[]
    ).map((r) => ({
      agentId: r.id,
      hallId: r.hall_id,
      name: r.name,
      createdMs: r.created_ms,
      rotatedMs: r.rotated_ms,
      revokedMs: r.revoked_ms,
    }));
  }

  /**
   * How many agents, provisioned before `provisionedBeforeMs` and not revoked, have never been seen by the
   * aggregator (no presence recorded): agents installed wrongly, or missing from an external broker's password file.
   */
  countNeverSeenAgents(provisionedBeforeMs: number): number {
    const row = this.db
      .prepare(
        `SELECT COUNT(*) AS n FROM agents a LEFT JOIN agent_state s ON s.agent_id = a.id
         WHERE a.revoked_ms IS NULL AND s.agent_id IS NULL AND a.created_ms < ?`,
      )
      .get(provisionedBeforeMs) as { n: number };
    return row.n;
  }

  agentExists(agentId: string): boolean {
    return this.db.prepare("SELECT 1 FROM agents WHERE id = ?").get(agentId) !== undefined;
  }

  revokeAgent(agentId: string, nowMs = Date.now()): boolean {
    return (
      this.db
        .prepare("UPDATE agents SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL")
        .run(nowMs, agentId).changes > 0
    );
  }

  /** Creates or replaces a service account (id must start with `_`) and returns its new secret. */
  async setServiceSecret(serviceId: string, secret = generateSecret(), nowMs = Date.now()): Promise<string> {
    if (!serviceId.startsWith("_")) throw new Error("service ids start with '_'");
    // Unchanged at every start: no write, so a start on a full or read-only disk does not fail here.
    const stored = this.db.prepare("SELECT secret_hash FROM service_accounts WHERE id = ?").get(serviceId) as
      | { secret_hash: string }
      | undefined;
    if (stored && (await verifySecret(secret, stored.secret_hash))) return secret;
    const hash = await hashSecret(secret);
    this.db
      .prepare(
        "INSERT INTO service_accounts (id, secret_hash, created_ms) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET secret_hash = excluded.secret_hash",
      )
      .run(serviceId, hash, nowMs);
    return secret;
  }
}
