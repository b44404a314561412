import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Role } from "../core/faults/types.js";
import { hashSecret, verifySecret } from "../security/secrets.js";
import type { SqlEngine, SqlExecutor } from "./sql/engine.js";
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
  must_change_password: number | boolean;
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
  mustChangePassword: Number(r.must_change_password) === 1,
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

/** What the API, the console and the CLI need of users, sessions and API tokens, on either engine. */
export interface UserPort {
  count(): Promise<number>;
  create(user: NewUser, nowMs?: number): Promise<UserRecord>;
  update(username: string, changes: UserChanges): Promise<UserRecord | null>;
  get(username: string): Promise<UserRecord | null>;
  list(): Promise<UserRecord[]>;
  verifyPassword(username: string, password: string): Promise<UserRecord | null>;
  setPassword(username: string, password: string, nowMs?: number, mustChange?: boolean): Promise<void>;
  setDisabled(username: string, disabled: boolean, nowMs?: number): Promise<boolean>;
  createSession(
    username: string,
    ttlMs: number,
    ip: string | null,
    nowMs?: number,
  ): Promise<{ token: string; csrfToken: string }>;
  session(
    token: string,
    idleMs: number,
    absoluteMs: number,
    nowMs?: number,
  ): Promise<{ user: UserRecord; csrfToken: string } | null>;
  deleteSession(token: string): Promise<void>;
  deleteExpiredSessions(nowMs?: number): Promise<number>;
  flushUnsavedSessions(): Promise<void>;
  createApiToken(
    username: string,
    name: string,
    expiresMs: number | null,
    nowMs?: number,
  ): Promise<{ id: string; token: string }>;
  apiTokenUser(token: string, nowMs?: number): Promise<UserRecord | null>;
  listApiTokens(filter?: { username?: string }): Promise<ApiTokenInfo[]>;
  apiToken(id: string): Promise<ApiTokenInfo | null>;
  capApiTokenExpiry(latestMs: number): Promise<number>;
  revokeAnyApiToken(id: string, nowMs?: number): Promise<boolean>;
  revokeApiToken(id: string, username: string, nowMs?: number): Promise<boolean>;
}

interface TokenRow {
  id: string;
  username: string;
  name: string;
  created_ms: number;
  expires_ms: number | null;
  last_used_ms: number | null;
  revoked_ms: number | null;
}

/**
 * Users with scrypt-hashed passwords; sessions and API tokens as SHA-256 hashes of long random values. Sessions
 * live in the database, so any API node behind a load balancer sees a session made on another.
 */
export class UserStore implements UserPort {
  /** Sessions the store refused to write (full disk): sign-in works meanwhile, and they are written later. */
  private readonly unsaved = new UnsavedSessions();

  constructor(
    private readonly sql: SqlEngine,
    /** Told of every write the store refused (the store's health). */
    private readonly onStorageError?: (err: unknown) => void,
    /** Told after a user's profile changed through this store (a node's in-memory directory). */
    private readonly onUserChanged?: (username: string) => void,
  ) {}

  /** Writes sessions kept in memory while the store refused them (called when it takes writes again). */
  async flushUnsavedSessions(): Promise<void> {
    await this.unsaved.flush(this.sql);
  }

  async count(): Promise<number> {
    return (await this.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM users"))?.n ?? 0;
  }

  async create(user: NewUser, nowMs = Date.now()): Promise<UserRecord> {
    const hash = await hashSecret(user.password);
    await this.sql.run(
      `INSERT INTO users (username, display_name, password_hash, roles_json, halls_json, language, created_ms,
         password_changed_ms, must_change_password)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        user.username,
        user.displayName,
        hash,
        JSON.stringify(user.roles),
        JSON.stringify(user.halls),
        user.language ?? "zh",
        nowMs,
        nowMs,
        user.mustChangePassword ? 1 : 0,
      ],
    );
    this.onUserChanged?.(user.username);
    return (await this.get(user.username)) as UserRecord;
  }

  /** Changes a user's name, roles, halls or language; null for an unknown user. */
  async update(username: string, changes: UserChanges): Promise<UserRecord | null> {
    const before = await this.get(username);
    if (!before) return null;
    const after = { ...before, ...changes };
    await this.sql.run(
      "UPDATE users SET display_name = ?, roles_json = ?, halls_json = ?, language = ? WHERE username = ?",
      [after.displayName, JSON.stringify(after.roles), JSON.stringify(after.halls), after.language, username],
    );
    this.onUserChanged?.(username);
    return this.get(username);
  }

  async get(username: string): Promise<UserRecord | null> {
    const row = await this.sql.get<UserRow>("SELECT * FROM users WHERE username = ?", [username]);
    return row ? toUser(row) : null;
  }

  /** Every user by username, in code-unit order on both engines (not the database's collation). */
  async list(): Promise<UserRecord[]> {
    const rows = await this.sql.all<UserRow>("SELECT * FROM users");
    return rows.map(toUser).sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
  }

  /** Checks a password; unknown users cost a hash too, so timing does not tell which usernames exist. */
  async verifyPassword(username: string, password: string): Promise<UserRecord | null> {
    const row = await this.sql.get<UserRow>("SELECT * FROM users WHERE username = ?", [username]);
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
    await this.sql.transaction(async (tx) => {
      await tx.run(
        "UPDATE users SET password_hash = ?, password_changed_ms = ?, must_change_password = ? WHERE username = ?",
        [hash, nowMs, mustChange ? 1 : 0, username],
      );
      await endAccess(tx, username, nowMs);
    });
    this.onUserChanged?.(username);
  }

  /**
   * Disables (or enables) a user. Disabling ends their sessions and revokes their API tokens; enabling does
   * not bring them back. Returns false for an unknown user.
   */
  async setDisabled(username: string, disabled: boolean, nowMs = Date.now()): Promise<boolean> {
    const changed = await this.sql.transaction(async (tx) => {
      const { changes } = await tx.run("UPDATE users SET disabled_ms = ? WHERE username = ?", [
        disabled ? nowMs : null,
        username,
      ]);
      if (changes > 0 && disabled) await endAccess(tx, username, nowMs);
      return changes > 0;
    });
    if (changed) this.onUserChanged?.(username);
    return changed;
  }

  // ---- sessions ----

  async createSession(
    username: string,
    ttlMs: number,
    ip: string | null,
    nowMs = Date.now(),
  ): Promise<{ token: string; csrfToken: string }> {
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
    await this.unsaved.flush(this.sql);
    try {
      await this.sql.run(
        "INSERT INTO sessions (token_hash, username, csrf_token, created_ms, last_seen_ms, expires_ms, ip) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [session.tokenHash, username, csrfToken, nowMs, nowMs, session.expiresMs, ip],
      );
    } catch (err) {
      // A full or read-only store must not lock everyone out: the session lives in memory until it can be written.
      if (!isStorageError(err) || this.unsaved.full) throw err;
      this.onStorageError?.(err);
      this.unsaved.keep(session);
    }
    return { token, csrfToken };
  }

  /** The live session of a cookie token, sliding its idle expiry; null when unknown, expired or the user is disabled. */
  async session(
    token: string,
    idleMs: number,
    absoluteMs: number,
    nowMs = Date.now(),
  ): Promise<{ user: UserRecord; csrfToken: string } | null> {
    const hash = sha256(token);
    // Aliased: users has its own created_ms, which a plain u.* would put over the session's.
    const row = await this.sql.get<
      UserRow & { csrf_token: string; session_created_ms: number; session_expires_ms: number }
    >(
      `SELECT u.*, s.csrf_token, s.created_ms AS session_created_ms, s.expires_ms AS session_expires_ms
       FROM sessions s JOIN users u ON u.username = s.username WHERE s.token_hash = ?`,
      [hash],
    );
    if (!row) return this.unsavedSession(hash, idleMs, absoluteMs, nowMs);
    if (row.disabled_ms !== null || row.session_expires_ms <= nowMs || this.unsaved.isDeleted(hash))
      return null;
    const expiresMs = Math.min(nowMs + idleMs, row.session_created_ms + absoluteMs);
    // Sliding the expiry is best effort: with a full store the session still works (it expires sooner).
    await bestEffortWrite(
      () =>
        this.sql.run("UPDATE sessions SET last_seen_ms = ?, expires_ms = ? WHERE token_hash = ?", [
          nowMs,
          expiresMs,
          hash,
        ]),
      this.onStorageError,
    );
    return { user: toUser(row), csrfToken: row.csrf_token };
  }

  private async unsavedSession(
    hash: string,
    idleMs: number,
    absoluteMs: number,
    nowMs: number,
  ): Promise<{ user: UserRecord; csrfToken: string } | null> {
    const kept = this.unsaved.find(hash);
    if (!kept || kept.expiresMs <= nowMs) return null;
    const user = await this.get(kept.username);
    if (!user || user.disabled) return null;
    kept.lastSeenMs = nowMs;
    kept.expiresMs = Math.min(nowMs + idleMs, kept.createdMs + absoluteMs);
    await this.unsaved.flush(this.sql);
    return { user, csrfToken: kept.csrfToken };
  }

  async deleteSession(token: string): Promise<void> {
    const hash = sha256(token);
    // A sign-out the store refuses still ends the session at once; it is deleted from the store later.
    const deleted = await bestEffortWrite(
      () => this.sql.run("DELETE FROM sessions WHERE token_hash = ?", [hash]),
      this.onStorageError,
    );
    if (!deleted) this.unsaved.markDeleted(hash);
  }

  async deleteExpiredSessions(nowMs = Date.now()): Promise<number> {
    return (await this.sql.run("DELETE FROM sessions WHERE expires_ms <= ?", [nowMs])).changes;
  }

  // ---- API tokens ----

  async createApiToken(
    username: string,
    name: string,
    expiresMs: number | null,
    nowMs = Date.now(),
  ): Promise<{ id: string; token: string }> {
    const id = randomUUID();
    const token = `hw_${randomBytes(32).toString("base64url")}`;
    await this.sql.run(
      "INSERT INTO api_tokens (id, token_hash, username, name, created_ms, expires_ms) VALUES (?, ?, ?, ?, ?, ?)",
      [id, sha256(token), username, name, nowMs, expiresMs],
    );
    return { id, token };
  }

  async apiTokenUser(token: string, nowMs = Date.now()): Promise<UserRecord | null> {
    const row = await this.sql.get<UserRow & { token_id: string; token_expires_ms: number | null }>(
      `SELECT t.id AS token_id, t.expires_ms AS token_expires_ms, u.* FROM api_tokens t
       JOIN users u ON u.username = t.username WHERE t.token_hash = ? AND t.revoked_ms IS NULL`,
      [sha256(token)],
    );
    if (!row || row.disabled_ms !== null || (row.token_expires_ms !== null && row.token_expires_ms <= nowMs))
      return null;
    await bestEffortWrite(
      () => this.sql.run("UPDATE api_tokens SET last_used_ms = ? WHERE id = ?", [nowMs, row.token_id]),
      this.onStorageError,
    );
    return toUser(row);
  }

  /** Tokens as an admin sees them: who, what, when; never the secret or its hash. Newest first. */
  async listApiTokens(filter: { username?: string } = {}): Promise<ApiTokenInfo[]> {
    const columns = "id, username, name, created_ms, expires_ms, last_used_ms, revoked_ms";
    const rows =
      filter.username === undefined
        ? await this.sql.all<TokenRow>(`SELECT ${columns} FROM api_tokens ORDER BY created_ms DESC, id`)
        : await this.sql.all<TokenRow>(
            `SELECT ${columns} FROM api_tokens WHERE username = ? ORDER BY created_ms DESC, id`,
            [filter.username],
          );
    return rows.map(toTokenInfo);
  }

  async apiToken(id: string): Promise<ApiTokenInfo | null> {
    const row = await this.sql.get<TokenRow>(
      "SELECT id, username, name, created_ms, expires_ms, last_used_ms, revoked_ms FROM api_tokens WHERE id = ?",
      [id],
    );
    return row ? toTokenInfo(row) : null;
  }

  /** Gives tokens without an expiry, or expiring after `latestMs`, that expiry instead (at start). */
  async capApiTokenExpiry(latestMs: number): Promise<number> {
    const { changes } = await this.sql.run(
      "UPDATE api_tokens SET expires_ms = ? WHERE revoked_ms IS NULL AND (expires_ms IS NULL OR expires_ms > ?)",
      [latestMs, latestMs],
    );
    return changes;
  }

  /** Revokes any user's live token (admins); false when unknown or already revoked. */
  async revokeAnyApiToken(id: string, nowMs = Date.now()): Promise<boolean> {
    const { changes } = await this.sql.run(
      "UPDATE api_tokens SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL",
      [nowMs, id],
    );
    return changes > 0;
  }

  async revokeApiToken(id: string, username: string, nowMs = Date.now()): Promise<boolean> {
    const { changes } = await this.sql.run(
      "UPDATE api_tokens SET revoked_ms = ? WHERE id = ? AND username = ? AND revoked_ms IS NULL",
      [nowMs, id, username],
    );
    return changes > 0;
  }
}

/** Ends every session and revokes every live API token of a user. */
async function endAccess(tx: SqlExecutor, username: string, nowMs: number): Promise<void> {
  await tx.run("DELETE FROM sessions WHERE username = ?", [username]);
  await tx.run("UPDATE api_tokens SET revoked_ms = ? WHERE username = ? AND revoked_ms IS NULL", [
    nowMs,
    username,
  ]);
}

const toTokenInfo = (r: TokenRow): ApiTokenInfo => ({
  id: r.id,
  username: r.username,
  name: r.name,
  createdMs: r.created_ms,
  expiresMs: r.expires_ms,
  lastUsedMs: r.last_used_ms,
  revokedMs: r.revoked_ms,
});

/** A valid hash of a random secret, checked against for unknown usernames. */
const DUMMY_HASH = await hashSecret(randomBytes(16).toString("hex"));
