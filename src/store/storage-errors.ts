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
