import { execFileSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.js";
import { MOSQUITTO_PASSWD, spawnMosquitto, writeMosquittoUsers } from "./mosquitto-process.js";
import { sleep } from "./wait.js";

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
  if (!MOSQUITTO_PASSWD) throw new Error("mosquitto is not installed");
  const passwd = MOSQUITTO_PASSWD;
  const dir = mkdtempSync(join(tmpdir(), "hallwatch-deploy-mosquitto-"));
  const dataDir = join(dir, "data");
  mkdirSync(dataDir);
  const port = await freePort();
  const passwordFile = join(dir, "passwd");
  writeMosquittoUsers(passwordFile, users);
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
  const broker = await spawnMosquitto(confFile, port);
  const child = broker.child;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    log: broker.output,
    passwordFile,
    async reload() {
      chmodSync(passwordFile, 0o644);
      child.kill("SIGHUP");
      await sleep(300);
    },
    async addUser(user, password) {
      execFileSync(passwd, ["-b", passwordFile, user, password]);
      chmodSync(passwordFile, 0o644);
      child.kill("SIGHUP");
      await sleep(300);
    },
    async stop() {
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
