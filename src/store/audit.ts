import type { Db } from "./database.js";
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

/** Append-only record of every state-changing action: who, what, when, before and after. */
export class AuditLog {
  private readonly insert;
  /** Entries the store refused (full or read-only disk), oldest first: written before any new one. */
  private readonly unsaved: AuditEntry[] = [];
  unsavedDropped = 0;

  constructor(
    private readonly db: Db,
    /** Told of every write the store refused (the store's health). */
    private readonly onStorageError?: (err: unknown) => void,
  ) {
    this.insert = db.prepare(
      "INSERT INTO audit_log (at_ms, actor, action, target, before_json, after_json, ip) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
  }

  /** Records an action; a store that cannot write keeps it in memory (in order) and writes it later. */
  record(entry: AuditEntry): void {
    if (this.unsaved.length >= MAX_UNSAVED) this.unsavedDropped += 1;
    else this.unsaved.push(entry);
    this.flushUnsaved();
  }

  /** Entries waiting for the store. */
  get pending(): number {
    return this.unsaved.length;
  }

  /** Writes the entries the store refused so far; stops at the first storage error. */
  flushUnsaved(): void {
    try {
      while (this.unsaved.length > 0) {
        this.write(this.unsaved[0]!);
        this.unsaved.shift();
      }
    } catch (err) {
      if (!isStorageError(err)) {
        this.unsaved.shift();
        throw err;
      }
      this.onStorageError?.(err);
    }
  }

  private write(entry: AuditEntry): void {
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
    /** Only entries on this target (e.g. "hall/device") whose action starts with `actionPrefix`. */
    target?: string | undefined;
    actionPrefix?: string | undefined;
  }): (AuditEntry & { id: number })[] {
    const rows = this.db
      .prepare(
        `SELECT id, at_ms, actor, action, target, before_json, after_json, ip FROM audit_log
         WHERE (@actor IS NULL OR actor = @actor) AND (@beforeId IS NULL OR id < @beforeId)
           AND (@target IS NULL OR target = @target)
           AND (@prefix IS NULL OR substr(action, 1, length(@prefix)) = @prefix)
         ORDER BY id DESC LIMIT @limit`,
      )
      .all({
        actor: options.actor ?? null,
        beforeId: options.beforeId ?? null,
        target: options.target ?? null,
        prefix: options.actionPrefix ?? null,
        limit: options.limit,
      }) as {
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
