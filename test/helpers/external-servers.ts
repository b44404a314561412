import { existsSync } from "node:fs";

/**
 * Finds a server binary installed from Debian packages. Locally a missing one skips its tests;
 * in CI (CI=true) it is a failure, because .ci/run installs it.
 */
export function findBinary(candidates: string[]): string | null {
  return candidates.find((path) => existsSync(path)) ?? null;
}

export function requireInCi(binary: string | null, name: string): boolean {
  if (binary) return true;
  if (process.env.CI)
    throw new Error(`${name} is not installed, but CI must run these tests (.ci/run installs it)`);
  return false;
}
