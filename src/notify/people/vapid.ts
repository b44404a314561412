import webpush from "web-push";
import { SecretBox, SecretKeyError } from "../../security/secret-key.js";
import type { SqlEngine } from "../../store/sql/engine.js";

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

/**
 * The server's VAPID key pair for web push, made at first start. The private key is sealed with the same key
 * as channel secrets (AES-256-GCM, see secrets-at-rest.ts) when a box is given. Nodes starting together on one
 * PostgreSQL each offer a pair; the first one written is the one every node uses.
 */
export async function ensureVapidKeys(
  sql: SqlEngine,
  box: SecretBox | null,
  now: () => number = Date.now,
): Promise<VapidKeys> {
  let row = await readKeys(sql);
  if (!row) {
    const keys = webpush.generateVAPIDKeys();
    await sql.run(
      "INSERT INTO vapid_keys (id, public_key, private_key, created_ms) VALUES (1, ?, ?, ?) ON CONFLICT DO NOTHING",
      [keys.publicKey, box ? box.seal(keys.privateKey) : keys.privateKey, now()],
    );
    row = await readKeys(sql);
    if (!row) throw new Error("the VAPID key pair was not saved");
  }
  if (!SecretBox.isSealed(row.private_key)) return { publicKey: row.public_key, privateKey: row.private_key };
  if (!box) throw new SecretKeyError("the VAPID key is encrypted, and no secret key was given");
  return { publicKey: row.public_key, privateKey: box.open(row.private_key) };
}

const readKeys = (sql: SqlEngine) =>
  sql.get<{ public_key: string; private_key: string }>(
    "SELECT public_key, private_key FROM vapid_keys WHERE id = 1",
  );

/** Whether the VAPID private key is stored sealed (then the secret key must not be replaced). */
export async function hasSealedVapidKey(sql: SqlEngine): Promise<boolean> {
  return (await sql.get("SELECT 1 AS sealed FROM vapid_keys WHERE private_key LIKE 'enc:%'")) !== undefined;
}
