import { createHash } from "node:crypto";
import { verifySecret } from "../src/security/secrets.js";
import type { CredentialLookup, Principal } from "../src/store/credentials.js";

const MAX_CACHE_ENTRIES = 10_000;

export type AuthResult =
  | { ok: true; principal: Principal }
  | { ok: false; why: "no_credentials" | "unknown" | "bad_secret" };

/**
 * Checks a username and password against the stored scrypt hashes. A successful check is remembered by
 * (username, SHA-256 of the password) together with the stored hash it matched, so a reconnect storm does
 * not saturate the thread pool with scrypt; rotating a secret changes the stored hash and revoking removes
 * the principal, and either invalidates the entry. Concurrent checks of the same pair share one scrypt.
 * Failures are never cached, so a wrong password always costs a full scrypt.
 */
export class Authenticator {
  /** cache key → the stored hash the password was verified against; oldest first (Map order). */
  private readonly verified = new Map<string, string>();
  private readonly inFlight = new Map<string, Promise<boolean>>();

  constructor(private readonly credentials: CredentialLookup) {}

  async authenticate(username: string | undefined, password: Buffer | undefined): Promise<AuthResult> {
    if (!username || !password || password.length === 0) return { ok: false, why: "no_credentials" };
    const principal = this.credentials.findPrincipal(username);
    if (!principal) return { ok: false, why: "unknown" };
    const digest = createHash("sha256").update(password).digest("base64");
    const key = `${username}\u0000${digest}`;
    if (this.verified.get(key) === principal.secretHash) return { ok: true, principal };

    const flightKey = `${key}\u0000${principal.secretHash}`;
    let check = this.inFlight.get(flightKey);
    if (!check) {
      check = verifySecret(password, principal.secretHash).finally(() => this.inFlight.delete(flightKey));
      this.inFlight.set(flightKey, check);
    }
    if (!(await check)) return { ok: false, why: "bad_secret" };
    this.remember(key, principal.secretHash);
    return { ok: true, principal };
  }

  private remember(key: string, secretHash: string): void {
    this.verified.delete(key);
    if (this.verified.size >= MAX_CACHE_ENTRIES) {
      const oldest = this.verified.keys().next();
      if (!oldest.done) this.verified.delete(oldest.value);
    }
    this.verified.set(key, secretHash);
  }
}
