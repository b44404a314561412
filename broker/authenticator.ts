import { createHash } from "node:crypto";
import { verifySecret } from "../src/security/secrets.js";
import type { CredentialLookup, Principal } from "../src/store/credentials.js";

const MAX_CACHE_ENTRIES = 50_000;

export type AuthResult =
  | { ok: true; principal: Principal }
  | { ok: false; why: "no_credentials" | "unknown" | "bad_secret" };

/**
 * Checks a username and password against the stored scrypt hashes. A successful check is remembered by
 * (username, SHA-256 of the password, stored hash) so a reconnect storm does not saturate the thread pool;
 * a rotated or revoked secret changes or removes the stored hash and so invalidates the entry.
 */
export class Authenticator {
  private readonly verified = new Map<string, string>();

  constructor(private readonly credentials: CredentialLookup) {}

  async authenticate(username: string | undefined, password: Buffer | undefined): Promise<AuthResult> {
    if (!username || !password || password.length === 0) return { ok: false, why: "no_credentials" };
    const principal = this.credentials.findPrincipal(username);
    if (!principal) return { ok: false, why: "unknown" };
    const digest = createHash("sha256").update(password).digest("base64");
    const cacheKey = `${username}\u0000${digest}`;
    if (this.verified.get(cacheKey) === principal.secretHash) return { ok: true, principal };
    if (!(await verifySecret(password, principal.secretHash))) return { ok: false, why: "bad_secret" };
    if (this.verified.size >= MAX_CACHE_ENTRIES) this.verified.clear();
    this.verified.set(cacheKey, principal.secretHash);
    return { ok: true, principal };
  }
}
