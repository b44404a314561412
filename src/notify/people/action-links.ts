import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db } from "../../store/database.js";

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
 * key (kept outside the database like the other secrets); a used nonce is recorded, so a link works once.
 */
export class ActionLinks {
  constructor(
    private readonly key: Buffer,
    private readonly db: Db,
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
  verify(token: string, nowMs: number): VerifiedLink {
    const claims = this.decode(token);
    if (!claims) return { ok: false, reason: "link_invalid" };
    if (nowMs >= claims.expiresMs) return { ok: false, reason: "link_expired" };
    if (this.db.prepare("SELECT 1 FROM action_link_uses WHERE nonce = ?").get(claims.nonce))
      return { ok: false, reason: "link_used" };
    return { ok: true, claims };
  }

  /** Marks the link used; false if it already was (two taps at once: only one acts). */
  consume(claims: ActionClaims, nowMs: number): boolean {
    return (
      this.db
        .prepare(
          "INSERT OR IGNORE INTO action_link_uses (nonce, alert_id, username, used_ms) VALUES (?, ?, ?, ?)",
        )
        .run(claims.nonce, claims.alertId, claims.username, nowMs).changes > 0
    );
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
