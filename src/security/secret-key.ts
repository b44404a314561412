import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";

const KEY_BYTES = 32;
const SEALED_PREFIX = "enc:v1:";

export class SecretKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretKeyError";
  }
}

export interface SecretKeySource {
  /** base64 (or hex) of 32 bytes, from HALLWATCH_SECRET_KEY. */
  key: string | null;
  /** The key file used when `key` is null. */
  file: string;
}

function decodeKey(raw: string, where: string): Buffer {
  const text = raw.trim();
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, "hex") : Buffer.from(text, "base64");
  if (key.length !== KEY_BYTES)
    throw new SecretKeyError(
      `${where}: the secret key must be 32 bytes, base64 or hex (got ${key.length} bytes)`,
    );
  return key;
}

/**
 * The master key that encrypts secrets at rest. From the environment when given; otherwise from the key file,
 * which is created (mode 0600) only when `mayCreate` says nothing encrypted exists yet: a lost key file must
 * never be silently replaced by a new key that opens nothing.
 */
export function loadSecretKey(source: SecretKeySource, mayCreate: () => boolean): Buffer {
  if (source.key !== null) return decodeKey(source.key, "HALLWATCH_SECRET_KEY");
  if (existsSync(source.file)) return decodeKey(readFileSync(source.file, "utf8"), source.file);
  if (!mayCreate()) {
    throw new SecretKeyError(
      `the secret key file ${source.file} is missing, but the database holds secrets encrypted with it: ` +
        "restore the file (or set HALLWATCH_SECRET_KEY) from your backup",
    );
  }
  const key = randomBytes(KEY_BYTES);
  // Written aside and renamed into place, so a full disk never leaves a truncated key behind.
  const temporary = `${source.file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, `${key.toString("base64")}\n`, { mode: 0o600, flag: "wx", flush: true });
    renameSync(temporary, source.file);
  } catch (err) {
    rmSync(temporary, { force: true });
    throw new SecretKeyError(`cannot create the secret key file ${source.file}: ${(err as Error).message}`);
  }
  return key;
}

/** A key for one purpose derived from the master key, so one secret never serves two uses. */
export function deriveKey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), `hallwatch ${purpose}`, KEY_BYTES));
}

/** AES-256-GCM sealing of short secrets as `enc:v1:<base64url iv|tag|ciphertext>`. */
export class SecretBox {
  private readonly key: Buffer;

  constructor(master: Buffer) {
    this.key = deriveKey(master, "secrets at rest");
  }

  static isSealed(value: string): boolean {
    return value.startsWith(SEALED_PREFIX);
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return `${SEALED_PREFIX}${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url")}`;
  }

  /** The plain text; a SecretKeyError when the value was sealed under another key or was altered. */
  open(sealed: string): string {
    if (!SecretBox.isSealed(sealed)) throw new SecretKeyError("not an encrypted value");
    const raw = Buffer.from(sealed.slice(SEALED_PREFIX.length), "base64url");
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
    } catch {
      throw new SecretKeyError(
        "the secret key does not open the stored secrets (wrong key?): use the key they were encrypted with",
      );
    }
  }
}
