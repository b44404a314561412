import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { HOUR_MS, UptimeRollup } from "../../src/influx/uptime-rollup.js";
import { silentLogger } from "../../src/logging.js";
import type { UptimeSources } from "../../src/reports/uptime-rows.js";
import { mountSmallDisk } from "./tmpfs.js";

const disk = mountSmallDisk(1);

describe.runIf(disk !== null)("the uptime roll-up on a full disk", () => {
  afterAll(() => disk?.unmount());

  it("defect 20: UptimeRollup.writeState at start on a full disk neither throws nor stops the roll-up", async () => {
    let nowMs = Date.UTC(2026, 10, 30, 12, 0, 30);
    const sources = {
      aggregator: { flushForReads: () => undefined, presence: { allDevices: () => [] } },
    } as unknown as UptimeSources;
    const stateFile = join(disk!.dir, "influx-buffer", "uptime-rollup.json");
    disk!.fill();
    const rollup = new UptimeRollup({
      sources,
      write: () => undefined,
      stateFile,
      logger: silentLogger(),
      initialBackfillHours: 3,
      checkIntervalMs: 60_000,
      settleMs: 0,
      now: () => nowMs,
    });
    rollup.start();
    await expect(rollup.tick()).resolves.toBeUndefined();
    expect(rollup.lastWrittenHourEndMs).toBe(Date.UTC(2026, 10, 30, 12));
    expect(existsSync(stateFile)).toBe(false);

    disk!.free();
    nowMs += HOUR_MS;
    await rollup.tick();
    expect(JSON.parse(readFileSync(stateFile, "utf8"))).toEqual({
      lastHourEndMs: Date.UTC(2026, 10, 30, 13),
    });
    await rollup.stop();
  });
});
