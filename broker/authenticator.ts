import { createHash } from "node:crypto";
import { generateSecret, hashSecret, verifySecret } from "../src/security/secrets.js";
import type { CredentialLookup, Principal } from "../src/store/credentials.js";
import { type FairLimiter, QueueFullError } from "./auth-throttle.js";

const MAX_CACHE_ENTRIES = 10_000;

export type AuthResult =
  | { ok: true; principal: Principal }
  | { ok: false; why: "no_credentials" | "unknown" | "bad_secret" | "busy" | "throttled" };

/**
 * Checks a username and password against the stored scrypt hashes. A successful check is remembered by
 * (username, SHA-256 of the password) together with the stored hash it matched, so a reconnect storm does
 * not saturate the thread pool with scrypt; rotating a secret changes the stored hash and revoking removes
 * the principal, and either invalidates the entry. Concurrent checks of the same pair from one address share
 * one scrypt. Failures are never cached, so a wrong password always costs a full scrypt.
 *
 * An unknown username is checked against a dummy hash of the same cost, so its answer takes as long as a
 * known username's with a wrong password: timing does not tell which usernames exist. Every scrypt runs
 * through a FairLimiter, so password checks never take the whole thread pool and one address cannot queue
 * ahead of everyone else.
 */
export class Authenticator {
  /** cache key → the stored hash the password was verified against; oldest first (Map order). */
  private readonly verified = new Map<string, string>();
  private readonly inFlight = new Map<string, Promise<boolean | "skipped">>();
  private dummyHash: Promise<string> | null = null;

  constructor(
    private readonly credentials: CredentialLookup,
    private readonly limiter: FairLimiter,
  ) {
    this.dummyHash = hashSecret(generateSecret()); // made now, so the first unknown username costs no extra scrypt
  }

  /** True when this pair was verified before against the hash stored now: no scrypt needed. */
  async isKnownGood(username: string | undefined, password: Buffer | undefined): Promise<boolean> {
    if (!username || !password || password.length === 0) return false;
    const principal = await this.credentials.findPrincipal(username);
    return principal !== null && this.verified.get(cacheKey(username, password)) === principal.secretHash;
  }

  /**
   * `address` is who is asking (the fairness key); `mayCheck` is asked again when the check's turn comes,
   * so attempts from an address that has meanwhile been blocked are dropped without a scrypt.
   */
  async authenticate(
    username: string | undefined,
    password: Buffer | undefined,
    address = "",
    mayCheck: () => boolean = () => true,
  ): Promise<AuthResult> {
    if (!username || !password || password.length === 0) return { ok: false, why: "no_credentials" };
    const principal = await this.credentials.findPrincipal(username);
    const key = cacheKey(username, password);
    if (principal && this.verified.get(key) === principal.secretHash) return { ok: true, principal };

    const hash = principal?.secretHash ?? (await this.dummy());
    const flightKey = `${address}\u0000${key}\u0000${hash}`;
    let check = this.inFlight.get(flightKey);
    if (!check) {
      check = this.limiter
        .run(address, async () => (mayCheck() ? await verifySecret(password, hash) : "skipped"))
        .finally(() => this.inFlight.delete(flightKey));
      this.inFlight.set(flightKey, check);
    }
    let matched: boolean | "skipped";
    try {
      matched = await check;
    } catch (err) {
      if (err instanceof QueueFullError) return { ok: false, why: "busy" };
      throw err;
    }
    if (matched === "skipped") return { ok: false, why: "throttled" };
    if (!principal) return { ok: false, why: "unknown" };
    if (!matched) return { ok: false, why: "bad_secret" };
    this.remember(key, principal.secretHash);
    return { ok: true, principal };
  }

  /** A hash of a random secret nobody knows, made with the default cost like every stored hash. */
  private dummy(): Promise<string> {
    this.dummyHash ??= hashSecret(generateSecret());
    return this.dummyHash;
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

function cacheKey(username: string, password: Buffer): string {
  return `${username}\u0000${createHash("sha256").update(password).digest("base64")}`;
}
