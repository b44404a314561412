import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBinary } from "./external-servers.js";
import { freePort } from "./free-port.js";
import { sleep } from "./wait.js";

const MOSQUITTO = findBinary(["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"]);
const MOSQUITTO_PASSWD = findBinary(["/usr/bin/mosquitto_passwd", "/usr/sbin/mosquitto_passwd"]);
const DEPLOY_DIR = join(import.meta.dirname, "../../deploy/mosquitto");

export interface DeployedMosquitto {
  url: string;
  port: number;
  /** Everything Mosquitto wrote to stderr/stdout so far (its log). */
  log(): string;
  /** The password file Mosquitto reads; reload() after changing it. */
  passwordFile: string;
  /** Makes Mosquitto re-read its password file and ACL (SIGHUP). */
  reload(): Promise<void>;
  /** Adds or replaces a user in the password file and reloads Mosquitto (SIGHUP). */
  addUser(user: string, password: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a real Mosquitto with the shipped deploy/mosquitto/mosquitto.conf and acl, unchanged but for the
 * paths and the listener (a free loopback port): what a deployment runs, not a copy of its shape.
 */
export async function startDeployedMosquitto(users: Record<string, string>): Promise<DeployedMosquitto> {
  if (!MOSQUITTO || !MOSQUITTO_PASSWD) throw new Error("mosquitto is not installed");
  const dir = mkdtempSync(join(tmpdir(), "hallwatch-deploy-mosquitto-"));
  const dataDir = join(dir, "data");
  mkdirSync(dataDir);
  const port = await freePort();
  const passwordFile = join(dir, "passwd");
  writeFileSync(passwordFile, "");
  for (const [user, password] of Object.entries(users)) {
    execFileSync(MOSQUITTO_PASSWD, ["-b", passwordFile, user, password]);
  }
  const aclFile = join(dir, "acl");
  copyFileSync(join(DEPLOY_DIR, "acl"), aclFile);
  const shipped = readFileSync(join(DEPLOY_DIR, "mosquitto.conf"), "utf8");
  const conf = shipped
    .replace(/^password_file .*$/m, `password_file ${passwordFile}`)
    .replace(/^acl_file .*$/m, `acl_file ${aclFile}`)
    .replace(/^persistence_location .*$/m, `persistence_location ${dataDir}/`)
    .replace(/^listener 1883$/m, `listener ${port} 127.0.0.1`);
  if (conf === shipped || !conf.includes(`listener ${port} 127.0.0.1`)) {
    throw new Error("deploy/mosquitto/mosquitto.conf no longer has the lines this helper rewrites");
  }
  const confFile = join(dir, "mosquitto.conf");
  writeFileSync(confFile, conf);
  // Started as root, mosquitto drops to the "mosquitto" user, which must still read and write its files.
  chmodSync(dir, 0o755);
  chmodSync(dataDir, 0o777);
  for (const file of [passwordFile, aclFile, confFile]) chmodSync(file, 0o644);
  const child: ChildProcess = spawn(MOSQUITTO, ["-c", confFile], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const collect = (chunk: Buffer) => {
    output += String(chunk);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const deadline = Date.now() + 5000;
  while (!(await canConnect(port))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill("SIGKILL");
      throw new Error(`mosquitto did not start: ${output}`);
    }
    await sleep(50);
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    log: () => output,
    passwordFile,
    async reload() {
      chmodSync(passwordFile, 0o644);
      child.kill("SIGHUP");
      await sleep(300);
    },
    async addUser(user, password) {
      execFileSync(MOSQUITTO_PASSWD, ["-b", passwordFile, user, password]);
      chmodSync(passwordFile, 0o644);
      child.kill("SIGHUP");
      await sleep(300);
    },
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
