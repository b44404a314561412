import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { connect } from "node:net";
import { findBinary } from "./external-servers.js";
import { sleep } from "./wait.js";

export const MOSQUITTO = findBinary([
  "/usr/sbin/mosquitto",
  "/usr/bin/mosquitto",
  "/usr/local/sbin/mosquitto",
]);
export const MOSQUITTO_PASSWD = findBinary(["/usr/bin/mosquitto_passwd", "/usr/sbin/mosquitto_passwd"]);

/**
 * The ACL shape deploy/mosquitto/acl and docs/full-stack.md recommend: the aggregator reads and writes everything,
 * agents write only under their own prefix and read only their command topic and the aggregator's status.
 */
export const AGENT_ACL = [
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
].join("\n");

/** Writes a Mosquitto password file holding exactly these users (mosquitto_passwd hashes them). */
export function writeMosquittoUsers(passwordFile: string, users: Record<string, string>): void {
  if (!MOSQUITTO_PASSWD) throw new Error("mosquitto_passwd is not installed");
  writeFileSync(passwordFile, "");
  for (const [user, password] of Object.entries(users)) {
    execFileSync(MOSQUITTO_PASSWD, ["-b", passwordFile, user, password]);
  }
}

export interface MosquittoProcess {
  readonly child: ChildProcess;
  /** Everything Mosquitto wrote to stdout and stderr so far (its log). */
  output(): string;
  /** SIGTERM (Mosquitto saves its sessions when persistence is on), resolved once it has exited. */
  stop(): Promise<void>;
}

/** Spawns Mosquitto on a config file and resolves once it accepts TCP connections on `port`. */
export async function spawnMosquitto(
  confFile: string,
  port: number,
  startTimeoutMs = 5000,
): Promise<MosquittoProcess> {
  if (!MOSQUITTO) throw new Error("mosquitto is not installed");
  const child = spawn(MOSQUITTO, ["-c", confFile], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const collect = (chunk: Buffer) => {
    output += String(chunk);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const deadline = Date.now() + startTimeoutMs;
  while (!(await canConnect(port))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill("SIGKILL");
      throw new Error(`mosquitto did not start: ${output}`);
    }
    await sleep(50);
  }
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
