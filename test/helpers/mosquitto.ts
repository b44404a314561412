import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBinary } from "./external-servers.js";
import { freePort } from "./free-port.js";
import { sleep } from "./wait.js";

export const MOSQUITTO = findBinary([
  "/usr/sbin/mosquitto",
  "/usr/bin/mosquitto",
  "/usr/local/sbin/mosquitto",
]);
const MOSQUITTO_PASSWD = findBinary(["/usr/bin/mosquitto_passwd", "/usr/sbin/mosquitto_passwd"]);

export interface Mosquitto {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts a real Mosquitto on a free loopback port with password authentication and an ACL in the shape
 * deploy/mosquitto/acl and docs/full-stack.md recommend: agents write only under their own prefix and read only their command topic.
 */
export async function startMosquitto(users: Record<string, string>): Promise<Mosquitto> {
  if (!MOSQUITTO || !MOSQUITTO_PASSWD) throw new Error("mosquitto is not installed");
  const dir = mkdtempSync(join(tmpdir(), "hallwatch-mosquitto-"));
  const port = await freePort();
  const passwordFile = join(dir, "passwd");
  writeFileSync(passwordFile, "");
  for (const [user, password] of Object.entries(users)) {
    execFileSync(MOSQUITTO_PASSWD, ["-b", passwordFile, user, password]);
  }
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
      // A "topic" line here would belong to the user above (_aggregator) only: agents read it through a pattern.
      "pattern read hallwatch/v1/_system/aggregator/status",
      "",
    ].join("\n"),
  );
  const conf = join(dir, "mosquitto.conf");
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      "allow_anonymous false",
      `password_file ${passwordFile}`,
      `acl_file ${aclFile}`,
      "persistence false",
      "log_dest stderr",
      "log_type error",
      "",
    ].join("\n"),
  );
  // Started as root, mosquitto drops to the "mosquitto" user, which must still read its files.
  chmodSync(dir, 0o755);
  for (const file of [passwordFile, aclFile, conf]) chmodSync(file, 0o644);
  const child: ChildProcess = spawn(MOSQUITTO, ["-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += String(chunk);
  });
  const deadline = Date.now() + 5000;
  while (!(await canConnect(port))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill("SIGKILL");
      throw new Error(`mosquitto did not start: ${stderr}`);
    }
    await sleep(50);
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
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
