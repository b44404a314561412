import { generateSecret, hashSecret, verifySecret } from "../security/secrets.js";
import type { SqlEngine } from "./sql/engine.js";

/** Who may connect to the broker: a provisioned agent, or a service (the aggregator) with full rights. */
export type Principal =
  | { type: "agent"; agentId: string; hallId: string; secretHash: string }
  | { type: "service"; serviceId: string; secretHash: string };

/** The port the broker authenticates against. Service ids start with `_` so they never clash with agent ids. */
export interface CredentialLookup {
  findPrincipal(username: string): Promise<Principal | null>;
}

export interface AgentInfo {
  agentId: string;
  hallId: string;
  name: string | null;
  createdMs: number;
  rotatedMs: number | null;
  revokedMs: number | null;
}

/** Agent and service credentials, as the broker, the admin API and the CLI use them, on either engine. */
export interface CredentialPort extends CredentialLookup {
  provisionAgent(hallId: string, agentId: string, name?: string, nowMs?: number): Promise<ProvisionedAgent>;
  rotateAgentSecret(agentId: string, nowMs?: number): Promise<ProvisionedAgent>;
  listAgents(): Promise<AgentInfo[]>;
  countNeverSeenAgents(provisionedBeforeMs: number): Promise<number>;
  agentExists(agentId: string): Promise<boolean>;
  revokeAgent(agentId: string, nowMs?: number): Promise<boolean>;
  setServiceSecret(serviceId: string, secret?: string, nowMs?: number): Promise<string>;
}

export interface ProvisionedAgent {
  agentId: string;
  hallId: string;
  /** Shown once to whoever provisions the agent; only its hash is stored. */
  secret: string;
}

/**
 * Read on every connect (never cached here), so an agent revoked or rotated through one node is refused by the
 * broker of every other node on the same database.
 */
export class CredentialStore implements CredentialPort {
  constructor(private readonly sql: SqlEngine) {}

  async findPrincipal(username: string): Promise<Principal | null> {
    if (username.startsWith("_")) {
      const row = await this.sql.get<{ id: string; secret_hash: string }>(
        "SELECT id, secret_hash FROM service_accounts WHERE id = ?",
        [username],
      );
      return row ? { type: "service", serviceId: row.id, secretHash: row.secret_hash } : null;
    }
    const row = await this.sql.get<{ id: string; hall_id: string; secret_hash: string }>(
      "SELECT id, hall_id, secret_hash FROM agents WHERE id = ? AND revoked_ms IS NULL",
      [username],
    );
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
    await this.sql.run(
      "INSERT INTO agents (id, hall_id, name, secret_hash, created_ms) VALUES (?, ?, ?, ?, ?)",
      [agentId, hallId, name ?? null, hash, nowMs],
    );
    return { agentId, hallId, secret };
  }

  /** Replaces an agent's secret; the old one stops working at its next connect. */
  async rotateAgentSecret(agentId: string, nowMs = Date.now()): Promise<ProvisionedAgent> {
    const secret = generateSecret();
    const hash = await hashSecret(secret);
    const row = await this.sql.get<{ hall_id: string }>(
      "UPDATE agents SET secret_hash = ?, rotated_ms = ?, revoked_ms = NULL WHERE id = ? RETURNING hall_id",
      [hash, nowMs, agentId],
    );
    if (!row) throw new Error(`unknown agent ${agentId}`);
    return { agentId, hallId: row.hall_id, secret };
  }

  /** Provisioned agents (never their secrets) by hall then id (in code-unit order), for the admin pages. */
  async listAgents(): Promise<AgentInfo[]> {
    const rows = await this.sql.all<{
      id: string;
      hall_id: string;
      name: string | null;
      created_ms: number;
      rotated_ms: number | null;
      revoked_ms: number | null;
    }>("SELECT id, hall_id, name, created_ms, rotated_ms, revoked_ms FROM agents");
    const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    return rows
      .map((r) => ({
        agentId: r.id,
        hallId: r.hall_id,
        name: r.name,
        createdMs: r.created_ms,
        rotatedMs: r.rotated_ms,
        revokedMs: r.revoked_ms,
      }))
      .sort((a, b) => byText(a.hallId, b.hallId) || byText(a.agentId, b.agentId));
  }

  /**
   * How many agents, provisioned before `provisionedBeforeMs` and not revoked, have never been seen by the
   * aggregator (no presence recorded): agents installed wrongly, or missing from an external broker's password file.
   */
  async countNeverSeenAgents(provisionedBeforeMs: number): Promise<number> {
    const row = await this.sql.get<{ n: number }>(
      `SELECT COUNT(*) AS n FROM agents a LEFT JOIN agent_state s ON s.agent_id = a.id
       WHERE a.revoked_ms IS NULL AND s.agent_id IS NULL AND a.created_ms < ?`,
      [provisionedBeforeMs],
    );
    return row?.n ?? 0;
  }

  async agentExists(agentId: string): Promise<boolean> {
    return (await this.sql.get("SELECT 1 AS found FROM agents WHERE id = ?", [agentId])) !== undefined;
  }

  async revokeAgent(agentId: string, nowMs = Date.now()): Promise<boolean> {
    const { changes } = await this.sql.run(
      "UPDATE agents SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL",
      [nowMs, agentId],
    );
    return changes > 0;
  }

  /** Creates or replaces a service account (id must start with `_`) and returns its new secret. */
  async setServiceSecret(serviceId: string, secret = generateSecret(), nowMs = Date.now()): Promise<string> {
    if (!serviceId.startsWith("_")) throw new Error("service ids start with '_'");
    // Unchanged at every start: no write, so a start on a full or read-only disk does not fail here.
    const stored = await this.sql.get<{ secret_hash: string }>(
      "SELECT secret_hash FROM service_accounts WHERE id = ?",
      [serviceId],
    );
    if (stored && (await verifySecret(secret, stored.secret_hash))) return secret;
    const hash = await hashSecret(secret);
    await this.sql.run(
      `INSERT INTO service_accounts (id, secret_hash, created_ms) VALUES (?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET secret_hash = excluded.secret_hash`,
      [serviceId, hash, nowMs],
    );
    return secret;
  }
}
