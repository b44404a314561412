import type { Db } from "./database.js";

export interface AuditEntry {
  atMs: number;
  actor: string;
  action: string;
  target: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
}

/** Append-only record of every state-changing action: who, what, when, before and after. */
export class AuditLog {
  private readonly insert;

  constructor(private readonly db: Db) {
    this.insert = db.prepare(
      "INSERT INTO audit_log (at_ms, actor, action, target, before_json, after_json, ip) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
  }

  record(entry: AuditEntry): void {
    this.insert.run(
      entry.atMs,
      entry.actor,
      entry.action,
      entry.target,
      entry.before === undefined ? null : JSON.stringify(entry.before),
      entry.after === undefined ? null : JSON.stringify(entry.after),
      entry.ip,
    );
  }

  list(options: {
    limit: number;
    beforeId?: number | undefined;
    actor?: string | undefined;
  }): (AuditEntry & { id: number })[] {
    const rows = this.db
      .prepare(
        `SELECT id, at_ms, actor, action, target, before_json, after_json, ip FROM audit_log
         WHERE (@actor IS NULL OR actor = @actor) AND (@beforeId IS NULL OR id < @beforeId) ORDER BY id DESC LIMIT @limit`,
      )
      .all({ actor: options.actor ?? null, beforeId: options.beforeId ?? null, limit: options.limit }) as {
      id: number;
      at_ms: number;
      actor: string;
      action: string;
      target: string | null;
      before_json: string | null;
      after_json: string | null;
      ip: string | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      atMs: r.at_ms,
      actor: r.actor,
      action: r.action,
      target: r.target,
      before: r.before_json === null ? null : JSON.parse(r.before_json),
      after: r.after_json === null ? null : JSON.parse(r.after_json),
      ip: r.ip,
    }));
  }
}
