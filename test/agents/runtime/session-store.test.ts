import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SessionStore } from "../../../agents/runtime/session-store.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("SessionStore", () => {
  it("increments and keeps the session across instances (process restarts)", () => {
    const dir = mkdtempSync(join(tmpdir(), "hallwatch-session-"));
    dirs.push(dir);
    const a = new SessionStore(dir);
    expect(a.current()).toBe(0);
    expect([a.next(), a.next()]).toEqual([1, 2]);
    expect(new SessionStore(dir).next()).toBe(3);
  });

  it("starts from 0 on a garbled file instead of failing", () => {
    const dir = mkdtempSync(join(tmpdir(), "hallwatch-session-"));
    dirs.push(dir);
    writeFileSync(join(dir, "session"), "garbage");
    expect(new SessionStore(dir).next()).toBe(1);
  });
});
