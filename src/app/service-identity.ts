import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateSecret } from "../security/secrets.js";
import type { CredentialPort } from "../store/credentials.js";
import { isStorageError } from "../store/storage-errors.js";

/**
 * The aggregator's own broker identity on the embedded broker: its secret lives in a 0600 file in the
 * data directory (never in the repo, never in a log), its hash in the database. The file is written aside and
 * renamed into place, so a full disk never leaves a truncated secret; when it cannot be written at all, the secret
 * is used from memory for this run (`onUnsaved` is told) and a new one is made at the next start.
 */
export async function ensureServiceSecret(
  dataDir: string,
  serviceId: string,
  store: CredentialPort,
  onUnsaved?: (err: unknown) => void,
): Promise<string> {
  const file = join(dataDir, "service-secret");
  let secret = existsSync(file) ? readFileSync(file, "utf8").trim() : "";
  if (secret !== "") {
    chmodSync(file, 0o600);
  } else {
    secret = generateSecret();
    const temporary = `${file}.tmp`;
    try {
      rmSync(temporary, { force: true });
      writeFileSync(temporary, `${secret}\n`, { mode: 0o600, flag: "wx", flush: true });
      renameSync(temporary, file);
    } catch (err) {
      rmSync(temporary, { force: true });
      if (!isStorageError(err)) throw err;
      onUnsaved?.(err);
    }
  }
  await store.setServiceSecret(serviceId, secret);
  return secret;
}
