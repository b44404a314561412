import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DiskBuffer } from "../../src/influx/disk-buffer.js";
import type { HistoryPoint } from "../../src/influx/history-point.js";
import { telemetryPoint } from "../influx/helpers.js";
import { mountSmallDisk } from "./tmpfs.js";

const disk = mountSmallDisk(2);

describe.runIf(disk !== null)("the InfluxDB disk buffer on a full disk", () => {
  afterAll(() => disk?.unmount());

  const drain = (buffer: DiskBuffer): HistoryPoint[] => {
    const back: HistoryPoint[] = [];
    for (let s = buffer.readOldest(); s; s = buffer.readOldest()) {
      expect(s.unreadableLines).toBe(0);
      back.push(...s.points);
      buffer.remove(s.seq);
    }
    return back;
  };

  it("defect 20: ENOSPC never escapes; points go to memory in order, and to disk again once there is room", () => {
    let nowMs = 1_700_000_000_000;
    const dir = join(disk!.dir, "influx-buffer");
    const buffer = new DiskBuffer({
      dir,
      maxBytes: 64 * 1024 * 1024,
      segmentMaxBytes: 64 * 1024,
      diskRetryMs: 1_000,
      now: () => nowMs,
    });
    buffer.open();
    const points = Array.from({ length: 3_000 }, (_, i) => telemetryPoint(i, 1_700_000_000_000));
    expect(buffer.append(points.slice(0, 1_000))).toBe(1_000);
    disk!.fill();
    // Without the fix this throws ENOSPC out of append (and the aggregator with it).
    expect(buffer.append(points.slice(1_000, 2_000))).toBe(1_000);
    expect(buffer.diskFault?.message).toMatch(/ENOSPC/);
    expect(buffer.memoryPoints).toBeGreaterThan(0);
    expect(buffer.points).toBe(2_000);

    disk!.free();
    nowMs += 1_000;
    expect(buffer.append(points.slice(2_000))).toBe(1_000);
    expect(buffer.diskFault).toBeNull();
    expect(drain(buffer)).toEqual(points);
    expect(buffer.points).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("defect 20: points kept in memory go to disk at close when there is room again, and the next run has them", () => {
    const dir = join(disk!.dir, "influx-buffer-3");
    const buffer = new DiskBuffer({ dir, maxBytes: 64 * 1024 * 1024, segmentMaxBytes: 64 * 1024 });
    buffer.open();
    const points = Array.from({ length: 500 }, (_, i) => telemetryPoint(i, 1_700_000_000_000));
    expect(buffer.append(points.slice(0, 100))).toBe(100);
    disk!.fill();
    expect(buffer.append(points.slice(100))).toBe(400);
    expect(buffer.memoryPoints).toBeGreaterThan(0);
    buffer.close(); // still full: they stay in memory, nothing half-written is left
    expect(buffer.memoryPoints).toBeGreaterThan(0);
    disk!.free();
    buffer.close();
    expect(buffer.memoryPoints).toBe(0);
    const next = new DiskBuffer({ dir, maxBytes: 64 * 1024 * 1024 });
    next.open();
    expect(next.points).toBe(500);
    expect(drain(next)).toEqual(points);
  });

  it("defect 20: memory is bounded too: past it, points are refused (and counted by the caller), never thrown", () => {
    const dir = join(disk!.dir, "influx-buffer-2");
    const buffer = new DiskBuffer({ dir, maxBytes: 64 * 1024 * 1024, memoryMaxBytes: 20_000 });
    buffer.open();
    disk!.fill();
    const points = Array.from({ length: 1_000 }, (_, i) => telemetryPoint(i, 1_700_000_000_000));
    const kept = buffer.append(points);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(1_000);
    expect(buffer.points).toBe(kept);
    disk!.free();
    expect(drain(buffer)).toEqual(points.slice(0, kept));
  });
});
