import { deriveKey } from "../security/secret-key.js";
import type { SqlEngine } from "../store/sql/engine.js";

/** What identifies a key without revealing it: a key derived for this purpose only (HKDF), in base64url. */
export function keyFingerprint(master: Buffer): string {
  return deriveKey(master, "key check").toString("base64url");
}

/** The fingerprint of the key the database is used with, or null before its first start with a key. */
export async function recordedKeyFingerprint(sql: SqlEngine): Promise<string | null> {
  const row = await sql.get<{ fingerprint: string }>(
    "SELECT fingerprint FROM secret_key_checks WHERE id = 1",
  );
  return row?.fingerprint ?? null;
}

/**
 * Records `fingerprint` unless one is recorded already, and returns the one that stands: of two nodes starting at
 * once with different keys, the first to commit wins and the other sees a fingerprint that is not its own.
 */
export async function claimKeyFingerprint(
  sql: SqlEngine,
  fingerprint: string,
  nowMs: number,
): Promise<string> {
  await sql.run(
    "INSERT INTO secret_key_checks (id, fingerprint, created_ms) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING",
    [fingerprint, nowMs],
  );
  return (await recordedKeyFingerprint(sql)) ?? fingerprint;
}
