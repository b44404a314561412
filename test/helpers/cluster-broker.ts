import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.js";
import { AGENT_ACL, spawnMosquitto, writeMosquittoUsers } from "./mosquitto-process.js";

/**
 * A real Mosquitto for several Hallwatch nodes, configured as deploy/mosquitto is: password authentication, each
 * node its own user reading and writing `hallwatch/#`, agents limited to their own topics by pattern.
 */
export async function startClusterBroker(
  nodeUsers: readonly string[],
  agentUsers: readonly string[],
  password: string,
): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "hallwatch-cluster-broker-"));
  const port = await freePort();
  const passwords = join(dir, "passwd");
  writeMosquittoUsers(passwords, Object.fromEntries([...nodeUsers, ...agentUsers].map((u) => [u, password])));
  const acl = join(dir, "acl");
  writeFileSync(
    acl,
    AGENT_ACL.replace(
      "user _aggregator\ntopic readwrite hallwatch/#\n",
      nodeUsers.map((u) => `user ${u}\ntopic readwrite hallwatch/#\n`).join("\n"),
    ),
  );
  const conf = join(dir, "mosquitto.conf");
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      "allow_anonymous false",
      `password_file ${passwords}`,
      `acl_file ${acl}`,
      "persistence false",
      "max_queued_messages 100000",
      "log_dest stderr",
      "log_type error",
      "",
    ].join("\n"),
  );
  // Started as root, mosquitto drops to the "mosquitto" user, which must still read its files.
  chmodSync(dir, 0o755);
  for (const file of [passwords, acl, conf]) chmodSync(file, 0o644);
  const broker = await spawnMosquitto(conf, port);
  return {
    url: `mqtt://127.0.0.1:${port}`,
    async stop() {
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
