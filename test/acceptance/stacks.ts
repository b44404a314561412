// The two Hallwatch stacks the bash agent runs against: the embedded default, and Mosquitto with deploy/mosquitto.
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { createEmbeddedBroker } from "../../src/app/embedded-broker.js";
import { HallwatchServer } from "../../src/app/server.js";
import { parseConfig } from "../../src/config/config.js";
import { silentLogger } from "../../src/logging.js";
import { CredentialStore } from "../../src/store/credentials.js";
import { openDatabase } from "../../src/store/database.js";
import { HallStore } from "../../src/store/halls.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";
import { freePort } from "../helpers/free-port.js";
import { MOSQUITTO_PASSWD, spawnMosquitto } from "../helpers/mosquitto-process.js";

export const HALL = "acc-hall";
export const AGENT = "acc-hall-bash";
export const ADMIN_PASSWORD = "acceptance-admin-1";
const DEPLOY = fileURLToPath(new URL("../../deploy/mosquitto/", import.meta.url));
const REPO = fileURLToPath(new URL("../../", import.meta.url));
const fullStackDoc = readFileSync(new URL("../../docs/full-stack.md", import.meta.url), "utf8");

export interface Stack {
  httpUrl: string;
  mqttPort: number;
  agentSecret: string;
  /** The secret of docs/protocol.md §8's demo-hall-kiosk-9, provisioned on the embedded stack only. */
  docAgentSecret?: string;
  stop(): Promise<void>;
}

/** Creates the hall and provisions the agent the way `npm run broker -- hall add / agent provision` does. */
async function provision(dataDir: string, hallId = HALL, agentId = AGENT): Promise<string> {
  const db = openDatabase(join(dataDir, "hallwatch.db"));
  try {
    await HallStore.onSqlite(db).upsert({ id: hallId, name: `Hall ${hallId}` });
    return (await new CredentialStore(new SqliteEngine(db)).provisionAgent(hallId, agentId)).secret;
  } finally {
    db.close();
  }
}

function hallwatchConfig(dataDir: string, mqtt: Record<string, unknown>) {
  // uplink_down waits 30 s by default; the rules file (docs/faults.md) makes the scenario quick.
  const rulesFile = join(dataDir, "rules.json");
  writeFileSync(rulesFile, JSON.stringify({ kinds: { gateway: { uplink_down: { forSec: 0 } } } }));
  return parseConfig({
    dataDir,
    logLevel: "silent",
    http: { port: 0 },
    mqtt,
    demo: { enabled: false },
    auth: { adminPassword: ADMIN_PASSWORD },
    rulesFile,
  });
}

export async function embeddedStack(): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), "hallwatch-acc-embedded-"));
  const agentSecret = await provision(dataDir);
  const docAgentSecret = await provision(dataDir, "demo-hall", "demo-hall-kiosk-9");
  const server = new HallwatchServer(
    hallwatchConfig(dataDir, { host: "127.0.0.1", port: 0 }),
    silentLogger(),
    { createBroker: createEmbeddedBroker },
  );
  const at = await server.start();
  return {
    httpUrl: at.httpUrl,
    mqttPort: Number(new URL(at.mqttUrl).port),
    agentSecret,
    docAgentSecret,
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Mosquitto with the shipped deploy/mosquitto/mosquitto.conf and acl, set up as docs/full-stack.md says for
 * Debian; only the paths and the listener are changed for the test.
 */
export async function mosquittoStack(): Promise<Stack> {
  if (!MOSQUITTO_PASSWD) throw new Error("mosquitto is not installed");
  const dir = mkdtempSync(join(tmpdir(), "hallwatch-acc-mosquitto-"));
  const dataDir = join(dir, "hallwatch");
  mkdirSync(dataDir);
  const agentSecret = await provision(dataDir);
  const mqttPort = await freePort();
  // docs/full-stack.md, "On Debian": Debian's own mosquitto.conf (its paths moved into this directory) includes a
  // file made from deploy/mosquitto/mosquitto.conf by the doc's own sed command; files owned as the doc says.
  const etc = join(dir, "etc");
  const hallwatchEtc = join(etc, "hallwatch");
  const [confD, run, lib] = [join(etc, "conf.d"), join(dir, "run"), join(dir, "lib")];
  for (const d of [hallwatchEtc, confD, run, lib]) mkdirSync(d, { recursive: true });
  const passwd = join(hallwatchEtc, "passwd");
  const acl = join(hallwatchEtc, "acl");
  writeFileSync(passwd, "", { mode: 0o600 });
  writeFileSync(acl, readFileSync(join(DEPLOY, "acl")), { mode: 0o600 });
  if (userInfo().uid === 0) {
    // Started as root, Mosquitto runs as the mosquitto user: it must read its secrets and write its data.
    const { uid, gid } = mosquittoUser();
    chownSync(hallwatchEtc, 0, gid);
    chmodSync(hallwatchEtc, 0o750);
    for (const path of [passwd, acl, run, lib]) chownSync(path, uid, gid);
  }
  execFileSync(MOSQUITTO_PASSWD, ["-b", passwd, "_aggregator", "aggregator-secret"]);
  execFileSync(MOSQUITTO_PASSWD, ["-b", passwd, AGENT, agentSecret]);
  const sed = /^(sed -e 's#\^password_file[\s\S]*?deploy\/mosquitto\/mosquitto\.conf) \|/m.exec(
    fullStackDoc,
  )?.[1];
  expect(sed, "the sed command of docs/full-stack.md").toBeTruthy();
  const included = execFileSync(
    "bash",
    ["-c", (sed as string).replaceAll("/etc/mosquitto/hallwatch/", `${hallwatchEtc}/`)],
    {
      cwd: REPO,
      encoding: "utf8",
    },
  ).replace(/^listener 1883$/m, `listener ${mqttPort} 127.0.0.1`);
  expect(included).toContain(`listener ${mqttPort} 127.0.0.1`);
  expect(included).toContain(`acl_file ${acl}`);
  writeFileSync(join(confD, "hallwatch.conf"), included);
  const debianMain = existsSync("/etc/mosquitto/mosquitto.conf")
    ? readFileSync("/etc/mosquitto/mosquitto.conf", "utf8")
    : "persistence true\npersistence_location /var/lib/mosquitto/\nlog_dest stderr\ninclude_dir /etc/mosquitto/conf.d\n";
  const main = debianMain
    .replace(/^pid_file .*$/m, `pid_file ${run}/mosquitto.pid`)
    .replace(/^persistence_location .*$/m, `persistence_location ${lib}/`)
    .replace(/^log_dest .*$/m, "log_dest stderr")
    .replace(/^include_dir .*$/m, `include_dir ${confD}`);
  const confFile = join(etc, "mosquitto.conf");
  writeFileSync(confFile, main);
  chmodSync(dir, 0o755);
  chmodSync(etc, 0o755);
  const broker = await spawnMosquitto(confFile, mqttPort);
  const log = broker.output();
  // The one warning docs/full-stack.md calls harmless, and nothing worse.
  expect(log).toContain(
    "Warning: ACL pattern 'hallwatch/v1/_system/aggregator/status' does not contain '%c' or '%u'.",
  );
  expect(log).not.toMatch(/Error/);
  const server = new HallwatchServer(
    hallwatchConfig(dataDir, { brokerUrl: `mqtt://127.0.0.1:${mqttPort}`, password: "aggregator-secret" }),
    silentLogger(),
    { createBroker: createEmbeddedBroker }, // not called: mqtt.brokerUrl is set
  );
  const at = await server.start();
  return {
    httpUrl: at.httpUrl,
    mqttPort,
    agentSecret,
    async stop() {
      await server.stop();
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function mosquittoUser(): { uid: number; gid: number } {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("mosquitto:"));
  if (!line) throw new Error("no mosquitto user (Debian's mosquitto package creates it)");
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}
