import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InfluxHistory } from "../../src/influx/influx-history.js";
import { silentLogger } from "../../src/logging.js";
import { requireInCi } from "../helpers/external-servers.js";
import { INFLUXD, type Influxd, startInfluxd } from "../helpers/influxd.js";
import { countTelemetry, influxSettings, tempDataDir, WAIT_MS } from "./helpers.js";

describe.runIf(requireInCi(INFLUXD, "influxd"))("InfluxDB sink after a crash", () => {
  let influxd: Influxd;
  let child: ChildProcess | null = null;
  let history: InfluxHistory | null = null;
  const dataDir = tempDataDir();

  beforeAll(async () => {
    influxd = await startInfluxd();
  });
  afterAll(async () => {
    child?.kill("SIGKILL");
    await history?.stop();
    await influxd?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("a process killed with SIGKILL leaves its buffer, and the next one writes every point of it", async () => {
    await influxd.kill();
    const total = 12_345;
    const script = new URL("./sink-child.ts", import.meta.url).pathname;
    child = spawn(process.execPath, ["--import", "tsx", script, influxd.url, dataDir, String(total)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the child never buffered its points")), WAIT_MS * 2);
      child!.stdout!.on("data", (chunk) => {
        if (String(chunk).includes("buffered")) {
          clearTimeout(timer);
          resolve();
        }
      });
      child!.once("exit", (code) => reject(new Error(`the child exited (${code}) before buffering`)));
    });
    const exited = new Promise((resolve) => child!.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    child = null;

    await influxd.restart();
    history = new InfluxHistory({
      influx: influxSettings(influxd.url, { flushIntervalMs: 50 }),
      dataDir,
      logger: silentLogger(),
    });
    history.start();
    expect(history.stats().pointsBuffered).toBe(total);
    await history.ready();
    await history.drained();
    expect(await countTelemetry(history.client)).toBe(total);
    expect(history.stats().unreadableBufferLines).toBe(0);
  }, 90_000);
});
