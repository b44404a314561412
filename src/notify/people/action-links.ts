import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { SqlEngine } from "../../store/sql/engine.js";

/** What a signed action link says: this person may act on this alert until the expiry, once (the nonce). */
export interface ActionClaims {
  alertId: string;
  username: string;
  expiresMs: number;
  nonce: string;
}

export type ActionLinkRefusal = "link_invalid" | "link_expired" | "link_used";

export type VerifiedLink = { ok: true; claims: ActionClaims } | { ok: false; reason: ActionLinkRefusal };

export const DEFAULT_ACTION_LINK_TTL_MS = 24 * 3_600_000;

/**
 * Signed, expiring, single-use links in personal notices: `<payload>.<HMAC-SHA256(payload)>`, the payload being the
 * alert, the person, the expiry and a random nonce (base64url JSON). The key is derived from the server's secret
 * key (kept outside the database like the other secrets); a used nonce is recorded, so a link works once. The nonce
 * is the primary key of the uses table, so of two nodes redeeming one link at the same moment only one inserts it.
 */
export class ActionLinks {
  constructor(
    private readonly key: Buffer,
    private readonly sql: SqlEngine,
    readonly ttlMs = DEFAULT_ACTION_LINK_TTL_MS,
  ) {}

  issue(alertId: string, username: string, nowMs: number): string {
    const claims = {
      a: alertId,
      u: username,
      e: nowMs + this.ttlMs,
      n: randomBytes(12).toString("base64url"),
    };
    const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
    return `${payload}.${this.sign(payload)}`;
  }

  /** The console page that opens a link (`#/act/<token>`), under the console's address. */
  static url(baseUrl: string, token: string): string {
    return `${baseUrl.replace(/\/+$/, "")}/#/act/${token}`;
  }

  /** Checks the signature, the expiry and whether it was used; consumes nothing. */
  async verify(token: string, nowMs: number): Promise<VerifiedLink> {
    const claims = this.decode(token);
    if (!claims) return { ok: false, reason: "link_invalid" };
    if (nowMs >= claims.expiresMs) return { ok: false, reason: "link_expired" };
    if (await this.sql.get("SELECT 1 AS used FROM action_link_uses WHERE nonce = ?", [claims.nonce]))
      return { ok: false, reason: "link_used" };
    return { ok: true, claims };
  }

  /** Marks the link used; false if it already was (two taps at once: only one acts). */
  async consume(claims: ActionClaims, nowMs: number): Promise<boolean> {
    const result = await this.sql.run(
      `INSERT INTO action_link_uses (nonce, alert_id, username, used_ms) VALUES (?, ?, ?, ?)
       ON CONFLICT (nonce) DO NOTHING`,
      [claims.nonce, claims.alertId, claims.username, nowMs],
    );
    return result.changes > 0;
  }

  /** Gives a consumed nonce back: the action it was claimed for was refused, so the link may be tried again. */
  async release(claims: ActionClaims): Promise<void> {
    await this.sql.run("DELETE FROM action_link_uses WHERE nonce = ?", [claims.nonce]);
  }

  private decode(token: string): ActionClaims | null {
    const dot = token.indexOf(".");
    if (dot <= 0 || token.length > 1000) return null;
    const payload = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), "base64url");
    const expected = Buffer.from(this.sign(payload), "base64url");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      const c = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
      if (
        typeof c.a !== "string" ||
        typeof c.u !== "string" ||
        typeof c.e !== "number" ||
        typeof c.n !== "string"
      )
        return null;
      return { alertId: c.a, username: c.u, expiresMs: c.e, nonce: c.n };
    } catch {
      return null;
    }
  }

  private sign(payload: string): string {
    return createHmac("sha256", this.key).update(payload).digest("base64url");
  }
}
