import { appendFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Spool } from "../../../agents/runtime/spool.js";

const dirs: string[] = [];
const newDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "hallwatch-spool-"));
  dirs.push(dir);
  return dir;
};
const msg = (n: number) => ({ topic: `t/${n}`, tsMs: n, body: { values: { n } } });

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function drain(spool: Spool): number[] {
  const out: number[] = [];
  while (!spool.isEmpty) {
    const batch = spool.peek();
    out.push(...batch.map((m) => m.tsMs));
    spool.ack(batch.length);
  }
  return out;
}

describe("Spool", () => {
  it("returns messages in order across segments and removes what was acknowledged", () => {
    const spool = new Spool({ dir: newDir(), maxBytes: 10_000_000, messagesPerSegment: 3 });
    for (let i = 1; i <= 10; i++) spool.append(msg(i));
    expect(drain(spool)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(spool.sizeBytes).toBe(0);
  });

  it("survives a restart, including progress inside a segment", () => {
    const dir = newDir();
    const first = new Spool({ dir, maxBytes: 10_000_000, messagesPerSegment: 5 });
    for (let i = 1; i <= 7; i++) first.append(msg(i));
    expect(first.peek().map((m) => m.tsMs)).toEqual([1, 2, 3, 4, 5]);
    first.ack(2);
    const second = new Spool({ dir, maxBytes: 10_000_000, messagesPerSegment: 5 });
    second.append(msg(8));
    expect(drain(second)).toEqual([3, 4, 5, 6, 7, 8]);
  });

  it("drops the oldest segment when full, and counts what it dropped", () => {
    const spool = new Spool({ dir: newDir(), maxBytes: 600, messagesPerSegment: 2 });
    for (let i = 1; i <= 20; i++) spool.append(msg(i));
    expect(spool.sizeBytes).toBeLessThanOrEqual(600);
    expect(spool.droppedMessages).toBeGreaterThan(0);
    const kept = drain(spool);
    expect(kept.at(-1)).toBe(20);
    expect(kept.length + spool.droppedMessages).toBe(20);
    expect(kept).toEqual([...kept].sort((a, b) => a - b));
  });

  it("bounds by message count too, dropping the oldest and counting them", () => {
    const spool = new Spool({ dir: newDir(), maxBytes: 10_000_000, maxMessages: 40 });
    for (let i = 1; i <= 100; i++) spool.append(msg(i));
    expect(spool.size).toBeLessThanOrEqual(40);
    expect(spool.droppedMessages).toBe(100 - spool.size);
    const kept = drain(spool);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => 100 - kept.length + 1 + i));
  });

  it("skips a line torn by a crash and keeps the next appends whole", () => {
    const dir = newDir();
    const first = new Spool({ dir, maxBytes: 10_000_000, messagesPerSegment: 10 });
    first.append(msg(1));
    const file = readdirSync(dir).find((f) => f.endsWith(".jsonl"))!;
    appendFileSync(join(dir, file), '{"topic":"t/2","ts'); // the process died mid-write
    const second = new Spool({ dir, maxBytes: 10_000_000, messagesPerSegment: 10 });
    second.append(msg(3));
    expect(second.size).toBe(2);
    expect(drain(second)).toEqual([1, 3]);
    expect(readdirSync(dir)).toEqual([]);
  });
});
