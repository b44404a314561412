import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../helpers/free-port.js";
import {
  AGENT_ACL,
  type MosquittoProcess,
  spawnMosquitto,
  writeMosquittoUsers,
} from "../helpers/mosquitto-process.js";

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
  const dir = mkdtempSync(join(tmpdir(), "hallwatch-mosquitto-durable-"));
  const port = await freePort();
  const passwordFile = join(dir, "passwd");
  writeMosquittoUsers(passwordFile, users);
  const aclFile = join(dir, "acl");
  writeFileSync(aclFile, AGENT_ACL);
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

  let broker: MosquittoProcess | null = null;
  const start = async () => {
    broker = await spawnMosquitto(conf, port, 10_000);
  };
  const stopBroker = async () => {
    const running = broker;
    broker = null;
    await running?.stop();
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
