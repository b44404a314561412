import { appendFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { splitByPolicy } from "../../src/influx/batches.js";
import { DiskBuffer } from "../../src/influx/disk-buffer.js";
import { cleanPoint } from "../../src/influx/history-point.js";
import { RETENTION } from "../../src/influx/schema.js";
import { telemetryPoint, tempDataDir } from "./helpers.js";

describe("the on-disk buffer", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const open = (maxBytes = 1_000_000, segmentMaxBytes?: number) => {
    const dir = join(tempDataDir(), "influx-buffer");
    dirs.push(dir);
    const buffer = new DiskBuffer({ dir, maxBytes, ...(segmentMaxBytes ? { segmentMaxBytes } : {}) });
    buffer.open();
    return { buffer, dir };
  };

  it("gives points back oldest segment first, exactly as they went in, and forgets a segment once removed", () => {
    const { buffer, dir } = open(1_000_000, 2_000);
    const points = Array.from({ length: 100 }, (_, i) => telemetryPoint(i, 1_700_000_000_000));
    expect(buffer.append(points)).toBe(100);
    expect(buffer.points).toBe(100);
    expect(readdirSync(dir).length).toBeGreaterThan(3);
    const back = [];
    for (let s = buffer.readOldest(); s; s = buffer.readOldest()) {
      expect(s.unreadableLines).toBe(0);
      back.push(...s.points);
      buffer.remove(s.seq);
    }
    expect(back).toEqual(points);
    expect(buffer.isEmpty).toBe(true);
    expect(buffer.bytes).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("keeps points up to its limit and refuses the rest, newest last", () => {
    const { buffer } = open(10_000);
    const points = Array.from({ length: 200 }, (_, i) => telemetryPoint(i, 1_700_000_000_000));
    const kept = buffer.append(points);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(200);
    expect(buffer.bytes).toBeLessThanOrEqual(10_000);
    expect(buffer.append(points.slice(kept))).toBe(0);
    const back = [];
    for (let s = buffer.readOldest(); s; s = buffer.readOldest()) {
      back.push(...s.points);
      buffer.remove(s.seq);
    }
    expect(back).toEqual(points.slice(0, kept));
  });

  it("after a crash reads what was written, skips a line cut short, and never appends to an old segment", () => {
    const { buffer, dir } = open();
    buffer.append([telemetryPoint(0, 1_700_000_000_000), telemetryPoint(1, 1_700_000_000_000)]);
    // The process dies in the middle of writing a third line.
    const [file] = readdirSync(dir);
    appendFileSync(join(dir, file!), '["raw","telemetry",{"hall":"h1"');

    const next = new DiskBuffer({ dir, maxBytes: 1_000_000 });
    next.open();
    expect(next.points).toBe(2);
    next.append([telemetryPoint(2, 1_700_000_000_000)]);
    expect(readdirSync(dir)).toHaveLength(2);
    const first = next.readOldest()!;
    expect(first.points.map((p) => p.fields.seq)).toEqual([0, 1]);
    expect(first.unreadableLines).toBe(1);
    next.remove(first.seq);
    expect(next.readOldest()!.points.map((p) => p.fields.seq)).toEqual([2]);
  });
});

describe("points", () => {
  it("are cleaned for the line protocol: no empty tags, no absent or non-finite fields, no newlines", () => {
    const clean = cleanPoint({
      rp: RETENTION.raw,
      measurement: "telemetry",
      tags: { hall: "h1", device: "", kind: "kiosk" },
      fields: { a: 1, b: Number.NaN, c: Number.POSITIVE_INFINITY, d: "two\nlines", e: false },
      timeMs: 1_700_000_000_000,
    });
    expect(clean).toEqual({
      rp: RETENTION.raw,
      measurement: "telemetry",
      tags: { hall: "h1", kind: "kiosk" },
      fields: { a: 1, d: "two lines", e: false },
      timeMs: 1_700_000_000_000,
    });
    expect(cleanPoint({ ...clean!, fields: { x: Number.NaN } })).toBeNull();
    expect(() => cleanPoint({ ...clean!, timeMs: 0 })).toThrow(/invalid point time/);
  });

  it("are batched per retention policy, at most the batch size, in order within a policy", () => {
    const raw = (i: number) => ({ ...telemetryPoint(i, 1_700_000_000_000), rp: RETENTION.raw });
    const long = (i: number) => ({ ...telemetryPoint(i, 1_700_000_000_000), rp: RETENTION.long });
    const batches = splitByPolicy([raw(0), long(1), raw(2), raw(3), long(4), raw(5)], 2);
    expect(batches.map((b) => b.map((p) => `${p.rp}${p.fields.seq}`))).toEqual([
      ["raw0", "raw2"],
      ["raw3", "raw5"],
      ["long1", "long4"],
    ]);
  });
});
