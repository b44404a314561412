import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.js";
import { AGENT_ACL, MOSQUITTO, spawnMosquitto, writeMosquittoUsers } from "./mosquitto-process.js";

export { MOSQUITTO };

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
  const dir = mkdtempSync(join(tmpdir(), "hallwatch-mosquitto-"));
  const port = await freePort();
  const passwordFile = join(dir, "passwd");
  writeMosquittoUsers(passwordFile, users);
  const aclFile = join(dir, "acl");
  writeFileSync(aclFile, AGENT_ACL);
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
  const broker = await spawnMosquitto(conf, port);
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    async stop() {
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
