// Open-file limits: the broker child holds one socket per hall (plus the consumers' and its own files), and it
// inherits this process's soft limit, which Node cannot raise. Checked before a run rather than failing midway.
import { readFileSync } from "node:fs";

/** The soft "Max open files" of this process (Linux), or null when it cannot be read. */
export function openFilesSoftLimit(): number | null {
  try {
    const line = readFileSync("/proc/self/limits", "utf8")
      .split("\n")
      .find((l) => l.startsWith("Max open files"));
    const soft = line?.slice("Max open files".length).trim().split(/\s+/)[0];
    return soft === "unlimited" ? Number.POSITIVE_INFINITY : soft ? Number(soft) : null;
  } catch {
    return null;
  }
}

/** Sockets plus files the broker needs at `hallCount` halls: one connection per hall, and some to spare. */
export const filesNeeded = (hallCount: number) => hallCount + 256;

export function checkOpenFiles(hallCount: number): void {
  const limit = openFilesSoftLimit();
  if (limit !== null && limit < filesNeeded(hallCount))
    throw new Error(
      `${hallCount} halls need about ${filesNeeded(hallCount)} open files in the broker; this shell allows ${limit}` +
        ` (raise it with \`ulimit -n ${filesNeeded(hallCount)}\` before npm run bench)`,
    );
}
