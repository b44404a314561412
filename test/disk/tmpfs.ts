import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A small tmpfs to fill. Mounting needs root; locally a refused mount skips, in CI (CI set) it fails. */
export interface SmallDisk {
  dir: string;
  /** Writes a file until the disk is full; returns its path. */
  fill(): string;
  /** Removes what fill() wrote. */
  free(): void;
  unmount(): void;
}

export function mountSmallDisk(sizeMb: number): SmallDisk | null {
  const dir = mkdtempSync(join(tmpdir(), "hallwatch-disk-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeMb}m,mode=0700`, "tmpfs", dir], {
      stdio: "pipe",
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    if (process.env.CI) throw new Error(`tmpfs mount refused, but CI must run the full-disk tests: ${err}`);
    return null;
  }
  const filler = join(dir, "filler");
  return {
    dir,
    fill() {
      const fd = openSync(filler, "a");
      const chunk = Buffer.alloc(64 * 1024, 1);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
      }
      // The last few bytes a 64 KiB write could not take.
      try {
        for (;;) writeSync(fd, chunk.subarray(0, 512));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
      } finally {
        closeSync(fd);
      }
      return filler;
    },
    free() {
      rmSync(filler, { force: true });
    },
    unmount() {
      try {
        execFileSync("umount", ["-l", dir], { stdio: "pipe" });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
