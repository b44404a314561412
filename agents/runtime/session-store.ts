import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The agent's session number, kept on disk so it keeps growing across restarts: the aggregator ignores
 * a status or will of an older session than the newest it has seen.
 */
export class SessionStore {
  private readonly file: string;

  constructor(stateDir: string) {
    mkdirSync(stateDir, { recursive: true });
    this.file = join(stateDir, "session");
  }

  current(): number {
    try {
      const n = Number.parseInt(readFileSync(this.file, "utf8").trim(), 10);
      return Number.isSafeInteger(n) && n >= 0 ? n : 0;
    } catch {
      return 0;
    }
  }

  /** Increments and persists (write-then-rename, so a crash never leaves a torn file). */
  next(): number {
    const n = this.current() + 1;
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, `${n}\n`);
    renameSync(tmp, this.file);
    return n;
  }
}
