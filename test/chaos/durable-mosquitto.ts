import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBinary } from "../helpers/external-servers.js";
import { freePort } from "../helpers/free-port.js";
import { MOSQUITTO } from "../helpers/mosquitto.js";
import { sleep } from "../helpers/wait.js";

const MOSQUITTO_PASSWD = findBinary(["/usr/bin/mosquitto_passwd", "/usr/sbin/mosquitto_passwd"]);

export interface DurableMosquitto {
  url: string;
  /** Stops the broker (SIGTERM: it saves its sessions to disk), keeping its port and data for start(). */
  stopBroker(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its files. */
  stop(): Promise<void>;
}

/**
 * A real Mosquitto as docs/reliability.md asks for one: password auth, the deploy/ ACL shape, and
 * `persistence true`, so persistent sessions (the aggregator's) and their queued messages survive a restart.
 */
export async function startDurableMosquitto(users: Record<string, string>): Promise<DurableMosquitto> {
  if (!MOSQUITTO || !MOSQUITTO_PASSWD) throw new Error("mosquitto is not installed");
  const mosquitto = MOSQUITTO;
  const dir = mkdtempSync(join(tmpdir(), "hallwatch-mosquitto-durable-"));
  const port = await freePort();
  const passwordFile = join(dir, "passwd");
  writeFileSync(passwordFile, "");
  for (const [user, password] of Object.entries(users))
    execFileSync(MOSQUITTO_PASSWD, ["-b", passwordFile, user, password]);
  const aclFile = join(dir, "acl");
  writeFileSync(
    aclFile,
    [
      "user _aggregator",
      "topic readwrite hallwatch/#",
      "",
      "pattern write hallwatch/v1/+/%u/status",
      "pattern write hallwatch/v1/+/%u/birth",
      "pattern write hallwatch/v1/+/%u/telemetry/+",
      "pattern write hallwatch/v1/+/%u/event/+",
      "pattern write hallwatch/v1/+/%u/reply",
      "pattern read hallwatch/v1/+/%u/cmd",
      "pattern read hallwatch/v1/_system/aggregator/status",
      "",
    ].join("\n"),
  );
  const dataDir = join(dir, "data");
  mkdirSync(dataDir);
  const conf = join(dir, "mosquitto.conf");
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      "allow_anonymous false",
      `password_file ${passwordFile}`,
      `acl_file ${aclFile}`,
      "persistence true",
      `persistence_location ${dataDir}/`,
      "max_queued_messages 0",
      "log_dest stderr",
      "log_type error",
      "",
    ].join("\n"),
  );
  chmodSync(dir, 0o755);
  chmodSync(dataDir, 0o777);
  for (const file of [passwordFile, aclFile, conf]) chmodSync(file, 0o644);

  let child: ChildProcess | null = null;
  const start = async () => {
    const proc = spawn(mosquitto, ["-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
    child = proc;
    let stderr = "";
    proc.stderr?.on("data", (chunk) => {
      stderr += String(chunk);
    });
    const deadline = Date.now() + 10_000;
    while (!(await canConnect(port))) {
      if (Date.now() > deadline || proc.exitCode !== null) {
        proc.kill("SIGKILL");
        throw new Error(`mosquitto did not start: ${stderr}`);
      }
      await sleep(50);
    }
  };
  const stopBroker = async () => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once("exit", resolve));
    proc.kill("SIGTERM");
    await exited;
  };
  await start();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    start,
    stopBroker,
    async stop() {
      await stopBroker();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
