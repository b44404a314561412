import type { SqlExecutor } from "./sql/engine.js";
import { isStorageError } from "./storage-errors.js";

/** Runs a write that may be skipped (a last-used time): a storage error is swallowed, anything else thrown. */
export async function bestEffortWrite(
  write: () => Promise<unknown>,
  onStorageError?: (err: unknown) => void,
): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (err) {
    if (!isStorageError(err)) throw err;
    onStorageError?.(err);
    return false;
  }
}

export interface UnsavedSession {
  tokenHash: string;
  username: string;
  csrfToken: string;
  createdMs: number;
  lastSeenMs: number;
  expiresMs: number;
  ip: string | null;
}

/** At most this many sessions are kept in memory while the store refuses them (sign-ins past it get 503). */
const MAX_UNSAVED_SESSIONS = 10_000;

/**
 * Sessions the store could not write (full or read-only disk): kept in memory so that sign-in works, and written
 * (or deleted, for a sign-out) as soon as the store takes writes again. Lost on a restart before that, which only
 * means signing in again. They live in this node's memory only: another node behind the load balancer does not
 * know them until they are written.
 */
export class UnsavedSessions {
  private readonly created = new Map<string, UnsavedSession>();
  private readonly deleted = new Set<string>();
  /** One flush at a time: two overlapping ones would write the same session twice. */
  private flushing: Promise<void> | null = null;

  get size(): number {
    return this.created.size + this.deleted.size;
  }

  get full(): boolean {
    return this.created.size >= MAX_UNSAVED_SESSIONS;
  }

  keep(session: UnsavedSession): void {
    this.created.set(session.tokenHash, session);
  }

  find(tokenHash: string): UnsavedSession | null {
    return this.created.get(tokenHash) ?? null;
  }

  /** A sign-out the store could not write: the session counts as gone at once. */
  markDeleted(tokenHash: string): void {
    this.created.delete(tokenHash);
    this.deleted.add(tokenHash);
  }

  isDeleted(tokenHash: string): boolean {
    return this.deleted.has(tokenHash);
  }

  /** Writes what waits; stops at the first storage error (tried again next time). */
  async flush(sql: SqlExecutor): Promise<void> {
    if (this.size === 0) return;
    this.flushing ??= this.write(sql).finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async write(sql: SqlExecutor): Promise<void> {
    try {
      for (const [hash, s] of this.created) {
        await sql.run(
          `INSERT INTO sessions (token_hash, username, csrf_token, created_ms, last_seen_ms, expires_ms, ip)
           VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
          [hash, s.username, s.csrfToken, s.createdMs, s.lastSeenMs, s.expiresMs, s.ip],
        );
        this.created.delete(hash);
      }
      for (const hash of this.deleted) {
        await sql.run("DELETE FROM sessions WHERE token_hash = ?", [hash]);
        this.deleted.delete(hash);
      }
    } catch (err) {
      if (!isStorageError(err)) throw err;
    }
  }
}
