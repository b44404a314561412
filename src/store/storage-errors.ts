/**
 * Errors that mean "the disk cannot take this write now" (full, read-only, failing), as opposed to a bug or bad
 * input. Writers that meet one degrade and retry later instead of crashing or dropping what they were writing.
 */
const FS_CODES = new Set(["ENOSPC", "EDQUOT", "EIO", "EROFS", "EFBIG"]);
const SQLITE_PREFIXES = ["SQLITE_FULL", "SQLITE_IOERR", "SQLITE_READONLY", "SQLITE_CANTOPEN"];
// PostgreSQL's SQLSTATEs for the same: disk_full, and read_only_sql_transaction (a standby after a failover).
const POSTGRES_CODES = new Set(["53100", "25006"]);

export function isStorageError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return false;
  return FS_CODES.has(code) || POSTGRES_CODES.has(code) || SQLITE_PREFIXES.some((p) => code.startsWith(p));
}

/** ENOSPC and its kin: more room would fix it (a read-only or failing disk would not). */
export function isDiskFullError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "ENOSPC" || code === "EDQUOT" || code === "SQLITE_FULL";
}

export function storageErrorText(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === "string" ? e.message : String(err);
  return typeof e?.code === "string" && !message.startsWith(e.code) ? `${e.code}: ${message}` : message;
}

/**
 * PostgreSQL SQLSTATE classes and codes after which the same write may succeed later: connection lost (08),
 * insufficient resources such as a full disk (53), the server shutting down or starting (57P01–57P03), a read-only
 * standby after a failover (25006), serialisation failure and deadlock (40001, 40P01).
 */
const PG_TRANSIENT = /^(08|53|57P0[123]|25006|40001|40P01)/;
const NET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** A storage error, or the database server cannot be reached or cannot take the write now: keep it and retry. */
export function isTransientStoreError(err: unknown): boolean {
  if (isStorageError(err)) return true;
  const e = err as { code?: unknown; message?: unknown } | null;
  if (typeof e?.code === "string") return PG_TRANSIENT.test(e.code) || NET_CODES.has(e.code);
  // node-postgres reports a dropped or timed-out connection without a code.
  return (
    typeof e?.message === "string" &&
    /Connection terminated|timeout exceeded when trying to connect/i.test(e.message)
  );
}
