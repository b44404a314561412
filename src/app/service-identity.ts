import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateSecret } from "../security/secrets.js";
import type { CredentialStore } from "../store/credentials.js";

/**
 * The aggregator's own broker identity on the embedded broker: its secret lives in a 0600 file in the
 * data directory (never in the repo, never in a log), its hash in the database.
 */
export async function ensureServiceSecret(
  dataDir: string,
  serviceId: string,
  store: CredentialStore,
): Promise<string> {
  const file = join(dataDir, "service-secret");
  let secret: string;
  if (existsSync(file)) {
    secret = readFileSync(file, "utf8").trim();
  } else {
    secret = generateSecret();
    writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  }
  chmodSync(file, 0o600);
  await store.setServiceSecret(serviceId, secret);
  return secret;
}
