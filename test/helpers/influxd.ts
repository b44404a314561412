import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBinary } from "./external-servers.js";
import { freePort } from "./free-port.js";
import { sleep } from "./wait.js";

export const INFLUXD = findBinary(["/usr/bin/influxd", "/usr/local/bin/influxd"]);

export interface Influxd {
  url: string;
  port: number;
  /** Stops the server, keeping its data, so that restart() brings the same database back. */
  kill(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts Debian's InfluxDB 1.x on free loopback ports (HTTP and the RPC bind address) with its data in a
 * temporary folder, without authentication. stop() removes the data; kill() + restart() keep it.
 */
export async function startInfluxd(): Promise<Influxd> {
  if (!INFLUXD) throw new Error("influxd is not installed");
  const dir = mkdtempSync(join(tmpdir(), "hallwatch-influxd-"));
  const port = await freePort();
  const rpcPort = await freePort();
  const conf = join(dir, "influxdb.conf");
  writeFileSync(
    conf,
    [
      `bind-address = "127.0.0.1:${rpcPort}"`,
      "reporting-disabled = true",
      "[meta]",
      `  dir = "${join(dir, "meta")}"`,
      "[data]",
      `  dir = "${join(dir, "data")}"`,
      `  wal-dir = "${join(dir, "wal")}"`,
      "  query-log-enabled = false",
      "[http]",
      `  bind-address = "127.0.0.1:${port}"`,
      "  log-enabled = false",
      "[continuous_queries]",
      '  run-interval = "1s"',
      "[monitor]",
      "  store-enabled = false",
      "",
    ].join("\n"),
  );
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let stderr = "";

  const launch = async () => {
    stderr = "";
    const proc = spawn(INFLUXD, ["-config", conf], { stdio: ["ignore", "ignore", "pipe"] });
    child = proc;
    proc.stderr?.on("data", (chunk) => {
      stderr = (stderr + String(chunk)).slice(-4000);
    });
    const deadline = Date.now() + 20_000;
    while (!(await pings(url))) {
      if (Date.now() > deadline || proc.exitCode !== null) {
        proc.kill("SIGKILL");
        throw new Error(`influxd did not start: ${stderr}`);
      }
      await sleep(100);
    }
  };
  const kill = async () => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once("exit", resolve));
    proc.kill("SIGTERM");
    await exited;
  };

  await launch();
  return {
    url,
    port,
    kill,
    restart: launch,
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function pings(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) });
    return response.status === 204;
  } catch {
    return false;
  }
}
