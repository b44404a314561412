import type { SqlEngine } from "./sql/engine.js";
import { isStorageError } from "./storage-errors.js";

/** Entries kept in memory at most while the store refuses them; beyond, counted in `unsavedDropped`. */
const MAX_UNSAVED = 10_000;

export interface AuditEntry {
  atMs: number;
  actor: string;
  action: string;
  target: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
}

export interface AuditQuery {
  limit: number;
  beforeId?: number | undefined;
  actor?: string | undefined;
  /** Only entries on this target (e.g. "hall/device") whose action starts with `actionPrefix`. */
  target?: string | undefined;
  actionPrefix?: string | undefined;
}

/** The audit log as its callers use it, on either engine. */
export interface AuditPort {
  /** Resolves once the entry is written, or kept in memory for later; never rejects. */
  record(entry: AuditEntry): Promise<void>;
  readonly pending: number;
  flushUnsaved(): Promise<void>;
  list(query: AuditQuery): Promise<(AuditEntry & { id: number })[]>;
}

interface AuditRow {
  id: number;
  at_ms: number;
  actor: string;
  action: string;
  target: string | null;
  before_json: string | null;
  after_json: string | null;
  ip: string | null;
}

/**
 * Append-only record of every state-changing action: who, what, when, before and after. Entries are written one
 * at a time in the order they were recorded (a queue), so callers that cannot await (sync route helpers) may
 * record and go on: a later `list` on this node waits for them.
 */
export class AuditLog implements AuditPort {
  /** Entries not written yet (waiting their turn, or refused by a full or read-only store), oldest first. */
  private readonly unsaved: AuditEntry[] = [];
  private flushing: Promise<void> = Promise.resolve();
  unsavedDropped = 0;

  constructor(
    private readonly sql: SqlEngine,
    /** Told of every write the store refused (the store's health). */
    private readonly onStorageError?: (err: unknown) => void,
    /** Told of an entry that failed for another reason (a bug, bad input): it is dropped, not retried. */
    private readonly onWriteError: (err: unknown) => void = (err) =>
      console.error("audit entry dropped", err),
  ) {}

  /** Records an action; a store that cannot write keeps it in memory (in order) and writes it later. */
  record(entry: AuditEntry): Promise<void> {
    if (this.unsaved.length >= MAX_UNSAVED) this.unsavedDropped += 1;
    else this.unsaved.push(entry);
    return this.flushUnsaved();
  }

  /** Entries waiting for the store. */
  get pending(): number {
    return this.unsaved.length;
  }

  /** Writes the entries the store refused so far; stops at the first storage error. Never rejects. */
  flushUnsaved(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeQueued());
    return this.flushing;
  }

  private async writeQueued(): Promise<void> {
    while (this.unsaved.length > 0) {
      try {
        await this.write(this.unsaved[0]!);
        this.unsaved.shift();
      } catch (err) {
        if (isStorageError(err)) {
          this.onStorageError?.(err);
          return;
        }
        this.unsaved.shift();
        this.onWriteError(err);
      }
    }
  }

  private async write(entry: AuditEntry): Promise<void> {
    await this.sql.run(
      "INSERT INTO audit_log (at_ms, actor, action, target, before_json, after_json, ip) VALUES (?, ?, ?, ?, ?, ?, ?)",
      [
        entry.atMs,
        entry.actor,
        entry.action,
        entry.target,
        entry.before === undefined ? null : JSON.stringify(entry.before),
        entry.after === undefined ? null : JSON.stringify(entry.after),
        entry.ip,
      ],
    );
  }

  /** Newest first (by id). Waits for the entries this node recorded before the call. */
  async list(query: AuditQuery): Promise<(AuditEntry & { id: number })[]> {
    await this.flushing;
    // Only the filters given: PostgreSQL cannot type a parameter that is only compared with NULL.
    const where: string[] = [];
    const params: (string | number)[] = [];
    const filter = (clause: string, ...values: (string | number)[]) => {
      where.push(clause);
      params.push(...values);
    };
    if (query.actor !== undefined) filter("actor = ?", query.actor);
    if (query.beforeId !== undefined) filter("id < ?", query.beforeId);
    if (query.target !== undefined) filter("target = ?", query.target);
    // substr, not LIKE: no wildcards in the prefix, and case-sensitive on both engines.
    if (query.actionPrefix !== undefined)
      filter("substr(action, 1, ?) = ?", query.actionPrefix.length, query.actionPrefix);
    const rows = await this.sql.all<AuditRow>(
      `SELECT id, at_ms, actor, action, target, before_json, after_json, ip FROM audit_log
       ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`,
      [...params, query.limit],
    );
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
