import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Role } from "../core/faults/types.js";
import { hashSecret, verifySecret } from "../security/secrets.js";
import type { Db } from "./database.js";
import { isStorageError } from "./storage-errors.js";
import { bestEffortWrite, UnsavedSessions } from "./unsaved-writes.js";

export interface UserRecord {
  username: string;
  displayName: string;
  roles: Role[];
  halls: string[];
  language: "zh" | "en";
  createdMs: number;
  disabled: boolean;
  /** The password was chosen by someone else (one-time): the console asks for a new one. */
  mustChangePassword: boolean;
}

interface UserRow {
  username: string;
  display_name: string;
  password_hash: string;
  roles_json: string;
  halls_json: string;
  language: "zh" | "en";
  created_ms: number;
  disabled_ms: number | null;
  must_change_password: number;
}

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");
const toUser = (r: UserRow): UserRecord => ({
  username: r.username,
  displayName: r.display_name,
  roles: JSON.parse(r.roles_json) as Role[],
  halls: JSON.parse(r.halls_json) as string[],
  language: r.language,
  createdMs: r.created_ms,
  disabled: r.disabled_ms !== null,
  mustChangePassword: r.must_change_password === 1,
});

export interface ApiTokenInfo {
  id: string;
  username: string;
  name: string;
  createdMs: number;
  expiresMs: number | null;
  lastUsedMs: number | null;
  revokedMs: number | null;
}

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  roles: Role[];
  halls: string[];
  language?: "zh" | "en";
  mustChangePassword?: boolean;
}

/** What an admin may change of a user (not the name, not the password). */
export interface UserChanges {
  displayName?: string;
  roles?: Role[];
  halls?: string[];
  language?: "zh" | "en";
}

/** Users with scrypt-hashed passwords; sessions and API tokens as SHA-256 hashes of long random values. */
export class UserStore {
  /** Sessions the store refused to write (full disk): sign-in works meanwhile, and they are written later. */
  private readonly unsaved = new UnsavedSessions();

  constructor(
    private readonly db: Db,
    /** Told of every write the store refused (the store's health). */
    private readonly onStorageError?: (err: unknown) => void,
  ) {}

  /** Writes sessions kept in memory while the store refused them (called when it takes writes again). */
  flushUnsavedSessions(): void {
    this.unsaved.flush(this.db);
  }

  count(): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM users").get() as { n: number }).n;
  }

  async create(user: NewUser, nowMs = Date.now()): Promise<UserRecord> {
    const hash = await hashSecret(user.password);
    this.db
      .prepare(
        `INSERT INTO users (username, display_name, password_hash, roles_json, halls_json, language, created_ms,
           password_changed_ms, must_change_password)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        user.username,
        user.displayName,
        hash,
        JSON.stringify(user.roles),
        JSON.stringify(user.halls),
        user.language ?? "zh",
        nowMs,
        nowMs,
        user.mustChangePassword ? 1 : 0,
      );
    return this.get(user.username) as UserRecord;
  }

  /** Changes a user's name, roles, halls or language; null for an unknown user. */
  update(username: string, changes: UserChanges): UserRecord | null {
    const before = this.get(username);
    if (!before) return null;
    const after = { ...before, ...changes };
    this.db
      .prepare(
        "UPDATE users SET display_name = ?, roles_json = ?, halls_json = ?, language = ? WHERE username = ?",
      )
      .run(
        after.displayName,
        JSON.stringify(after.roles),
        JSON.stringify(after.halls),
        after.language,
        username,
      );
    return this.get(username);
  }

  get(username: string): UserRecord | null {
    const row = this.db.prepare("SELECT * FROM users WHERE username = ?").get(username) as
      | UserRow
      | undefined;
    return row ? toUser(row) : null;
  }

  list(): UserRecord[] {
    return (this.db.prepare("SELECT * FROM users ORDER BY username").all() as UserRow[]).map(toUser);
  }

  /** Checks a password; unknown users cost a hash too, so timing does not tell which usernames exist. */
  async verifyPassword(username: string, password: string): Promise<UserRecord | null> {
    const row = this.db.prepare("SELECT * FROM users WHERE username = ?").get(username) as
      | UserRow
      | undefined;
    const ok = await verifySecret(password, row?.password_hash ?? DUMMY_HASH);
    return row && ok && row.disabled_ms === null ? toUser(row) : null;
  }

  /**
   * Sets a new password and ends every session and API token of the user: whoever held the old password may
   * have made them. They sign in again with the new one. `mustChange`: someone else chose it (an admin's reset).
   */
  async setPassword(
    username: string,
    password: string,
    nowMs = Date.now(),
    mustChange = false,
  ): Promise<void> {
    const hash = await hashSecret(password);
    this.db.transaction(() => {
      this.db
        .prepare(
          "UPDATE users SET password_hash = ?, password_changed_ms = ?, must_change_password = ? WHERE username = ?",
        )
        .run(hash, nowMs, mustChange ? 1 : 0, username);
      this.endAccess(username, nowMs);
    })();
  }

  /**
   * Disables (or enables) a user. Disabling ends their sessions and revokes their API tokens; enabling does
   * not bring them back. Returns false for an unknown user.
   */
  setDisabled(username: string, disabled: boolean, nowMs = Date.now()): boolean {
    return this.db.transaction(() => {
      const changed = this.db
        .prepare("UPDATE users SET disabled_ms = ? WHERE username = ?")
        .run(disabled ? nowMs : null, username).changes;
      if (changed > 0 && disabled) this.endAccess(username, nowMs);
      return changed > 0;
    })();
  }

  /** Ends every session and revokes every live API token of a user. */
  private endAccess(username: string, nowMs: number): void {
    this.db.prepare("DELETE FROM sessions WHERE username = ?").run(username);
    this.db
      .prepare("UPDATE api_tokens SET revoked_ms = ? WHERE username = ? AND revoked_ms IS NULL")
      .run(nowMs, username);
  }

  // ---- sessions ----

  createSession(
    username: string,
    ttlMs: number,
    ip: string | null,
    nowMs = Date.now(),
  ): { token: string; csrfToken: string } {
    const token = randomBytes(32).toString("base64url");
    const csrfToken = randomBytes(24).toString("base64url");
    const session = {
      tokenHash: sha256(token),
      username,
      csrfToken,
      createdMs: nowMs,
      lastSeenMs: nowMs,
      expiresMs: nowMs + ttlMs,
      ip,
    };
    this.unsaved.flush(this.db);
    try {
      this.db
        .prepare(
          "INSERT INTO sessions (token_hash, username, csrf_token, created_ms, last_seen_ms, expires_ms, ip) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .run(session.tokenHash, username, csrfToken, nowMs, nowMs, session.expiresMs, ip);
    } catch (err) {
      // A full or read-only store must not lock everyone out: the session lives in memory until it can be written.
      if (!isStorageError(err) || this.unsaved.full) throw err;
      this.onStorageError?.(err);
      this.unsaved.keep(session);
    }
    return { token, csrfToken };
  }

  /** The live session of a cookie token, sliding its idle expiry; null when unknown, expired or the user is disabled. */
  session(
    token: string,
    idleMs: number,
    absoluteMs: number,
    nowMs = Date.now(),
  ): { user: UserRecord; csrfToken: string } | null {
    // Aliased: users has its own created_ms, which a plain u.* would put over the session's.
    const row = this.db
      .prepare(
        `SELECT u.*, s.csrf_token, s.created_ms AS session_created_ms, s.expires_ms AS session_expires_ms
         FROM sessions s JOIN users u ON u.username = s.username WHERE s.token_hash = ?`,
      )
      .get(sha256(token)) as
      | (UserRow & { csrf_token: string; session_created_ms: number; session_expires_ms: number })
      | undefined;
    const hash = sha256(token);
    if (!row) return this.unsavedSession(hash, idleMs, absoluteMs, nowMs);
    if (row.disabled_ms !== null || row.session_expires_ms <= nowMs || this.unsaved.isDeleted(hash))
      return null;
    const expiresMs = Math.min(nowMs + idleMs, row.session_created_ms + absoluteMs);
    // Sliding the expiry is best effort: with a full store the session still works (it expires sooner).
    bestEffortWrite(
      () =>
        this.db
          .prepare("UPDATE sessions SET last_seen_ms = ?, expires_ms = ? WHERE token_hash = ?")
          .run(nowMs, expiresMs, hash),
      this.onStorageError,
    );
    return { user: toUser(row), csrfToken: row.csrf_token };
  }

  private unsavedSession(
    hash: string,
    idleMs: number,
    absoluteMs: number,
    nowMs: number,
  ): { user: UserRecord; csrfToken: string } | null {
    const kept = this.unsaved.find(hash);
    if (!kept || kept.expiresMs <= nowMs) return null;
    const user = this.get(kept.username);
    if (!user || user.disabled) return null;
    kept.lastSeenMs = nowMs;
    kept.expiresMs = Math.min(nowMs + idleMs, kept.createdMs + absoluteMs);
    this.unsaved.flush(this.db);
    return { user, csrfToken: kept.csrfToken };
  }

  deleteSession(token: string): void {
    const hash = sha256(token);
    // A sign-out the store refuses still ends the session at once; it is deleted from the store later.
    if (
      !bestEffortWrite(
        () => this.db.prepare("DELETE FROM sessions WHERE token_hash = ?").run(hash),
        this.onStorageError,
      )
    )
      this.unsaved.markDeleted(hash);
  }

  deleteExpiredSessions(nowMs = Date.now()): number {
    return this.db.prepare("DELETE FROM sessions WHERE expires_ms <= ?").run(nowMs).changes;
  }

  // ---- API tokens ----

  createApiToken(
    username: string,
    name: string,
    expiresMs: number | null,
    nowMs = Date.now(),
  ): { id: string; token: string } {
    const id = randomUUID();
    const token = `hw_${randomBytes(32).toString("base64url")}`;
    this.db
      .prepare(
        "INSERT INTO api_tokens (id, token_hash, username, name, created_ms, expires_ms) VALUES (?, ?, ?, ?, ?, ?)",
      )
      .run(id, sha256(token), username, name, nowMs, expiresMs);
    return { id, token };
  }

  apiTokenUser(token: string, nowMs = Date.now()): UserRecord | null {
    const row = this.db
      .prepare(
        `SELECT t.id AS token_id, t.expires_ms, u.* FROM api_tokens t JOIN users u ON u.username = t.username
         WHERE t.token_hash = ? AND t.revoked_ms IS NULL`,
      )
      .get(sha256(token)) as (UserRow & { token_id: string; expires_ms: number | null }) | undefined;
    if (!row || row.disabled_ms !== null || (row.expires_ms !== null && row.expires_ms <= nowMs)) return null;
    bestEffortWrite(
      () => this.db.prepare("UPDATE api_tokens SET last_used_ms = ? WHERE id = ?").run(nowMs, row.token_id),
      this.onStorageError,
    );
    return toUser(row);
  }

  /** Tokens as an admin sees them: who, what, when; never the secret or its hash. */
  listApiTokens(filter: { username?: string } = {}): ApiTokenInfo[] {
    const rows = this.db
      .prepare(
        `SELECT id, username, name, created_ms, expires_ms, last_used_ms, revoked_ms FROM api_tokens
         WHERE (? IS NULL OR username = ?) ORDER BY created_ms DESC, id`,
      )
      .all(filter.username ?? null, filter.username ?? null) as {
      id: string;
      username: string;
      name: string;
      created_ms: number;
      expires_ms: number | null;
      last_used_ms: number | null;
      revoked_ms: number | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      username: r.username,
      name: r.name,
      createdMs: r.created_ms,
      expiresMs: r.expires_ms,
      lastUsedMs: r.last_used_ms,
      revokedMs: r.revoked_ms,
    }));
  }

  apiToken(id: string): ApiTokenInfo | null {
    return this.listApiTokens().find((t) => t.id === id) ?? null;
  }

  /** Gives tokens without an expiry, or expiring after `latestMs`, that expiry instead (at start). */
  capApiTokenExpiry(latestMs: number): number {
    return this.db
      .prepare(
        "UPDATE api_tokens SET expires_ms = ? WHERE revoked_ms IS NULL AND (expires_ms IS NULL OR expires_ms > ?)",
      )
      .run(latestMs, latestMs).changes;
  }

  /** Revokes any user's live token (admins); false when unknown or already revoked. */
  revokeAnyApiToken(id: string, nowMs = Date.now()): boolean {
    return (
      this.db
        .prepare("UPDATE api_tokens SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL")
        .run(nowMs, id).changes > 0
    );
  }

  revokeApiToken(id: string, username: string, nowMs = Date.now()): boolean {
    return (
      this.db
        .prepare("UPDATE api_tokens SET revoked_ms = ? WHERE id = ? AND username = ? AND revoked_ms IS NULL")
        .run(nowMs, id, username).changes > 0
    );
  }
}

/** A valid hash of a random secret, checked against for unknown usernames. */
const DUMMY_HASH = await hashSecret(randomBytes(16).toString("hex"));
