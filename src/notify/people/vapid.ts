import webpush from "web-push";
import { SecretBox, SecretKeyError } from "../../security/secret-key.js";
import type { Db } from "../../store/database.js";

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

/**
 * The server's VAPID key pair for web push, made at first start. The private key is sealed with the same key
 * as channel secrets (AES-256-GCM, see secrets-at-rest.ts) when a box is given.
 */
export function ensureVapidKeys(db: Db, box: SecretBox | null, now: () => number = Date.now): VapidKeys {
  const row = db.prepare("SELECT public_key, private_key FROM vapid_keys WHERE id = 1").get() as
    | { public_key: string; private_key: string }
    | undefined;
  if (row) {
    if (!SecretBox.isSealed(row.private_key))
      return { publicKey: row.public_key, privateKey: row.private_key };
    if (!box) throw new SecretKeyError("the VAPID key is encrypted, and no secret key was given");
    return { publicKey: row.public_key, privateKey: box.open(row.private_key) };
  }
  const keys = webpush.generateVAPIDKeys();
  db.prepare("INSERT INTO vapid_keys (id, public_key, private_key, created_ms) VALUES (1, ?, ?, ?)").run(
    keys.publicKey,
    box ? box.seal(keys.privateKey) : keys.privateKey,
    now(),
  );
  return keys;
}

/** Whether the VAPID private key is stored sealed (then the secret key must not be replaced). */
export function hasSealedVapidKey(db: Db): boolean {
  return db.prepare("SELECT 1 FROM vapid_keys WHERE private_key LIKE 'enc:%'").get() !== undefined;
}
