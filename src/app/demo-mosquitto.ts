import { pbkdf2Sync, randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { demoHallLayout } from "../../agents/simulator/layout.js";
import { CredentialStore } from "../store/credentials.js";
import { HallStore } from "../store/halls.js";
import type { SqlEngine } from "../store/sql/engine.js";
import { ensureDemoAgentSecrets } from "./demo-credentials.js";

export const DEMO_HALL_NAME = "演示营业厅 Demo hall";

/**
 * Provisions the demo hall's agents (as the server does when the demo starts) and writes each agent's entry
 * into a Mosquitto password file, replacing an older entry for the same user and keeping every other line:
 * what the demo needs to run on an external Mosquitto. Returns the agent ids written. The halls and credentials are
 * in `sql` (SQLite or PostgreSQL); the agents' secrets are also kept in `dataDir`, where the demo reads them.
 */
export async function provisionDemoOnMosquitto(
  sql: SqlEngine,
  dataDir: string,
  hallId: string,
  passwordFile: string,
): Promise<string[]> {
  const halls = new HallStore(sql);
  if (!(await halls.get(hallId)))
    await halls.upsert({ id: hallId, name: DEMO_HALL_NAME, timeZone: "Asia/Shanghai" });
  const agentIds = demoHallLayout(hallId).agents.map((a) => a.agentId);
  const secrets = await ensureDemoAgentSecrets(dataDir, hallId, agentIds, new CredentialStore(sql));
  writeMosquittoPasswords(passwordFile, secrets);
  return agentIds;
}

/** Adds or replaces users in a Mosquitto 2 password file, hashed as mosquitto_passwd does (PBKDF2-SHA512). */
export function writeMosquittoPasswords(passwordFile: string, users: ReadonlyMap<string, string>): void {
  const kept = existsSync(passwordFile)
    ? readFileSync(passwordFile, "utf8")
        .split("\n")
        .filter((line) => line.trim() !== "" && !users.has(line.slice(0, line.indexOf(":"))))
    : [];
  const added = [...users].map(([user, password]) => `${user}:${mosquittoHash(password)}`);
  // An existing file keeps its owner and mode (Mosquitto reads it as its own user); a new one is 0640.
  writeFileSync(passwordFile, `${[...kept, ...added].join("\n")}\n`, { mode: 0o640 });
}

/** `$7$` = PBKDF2-HMAC-SHA512 with 101 iterations and a 12-byte salt, Mosquitto 2's format. */
function mosquittoHash(password: string): string {
  const iterations = 101;
  const salt = randomBytes(12);
  const hash = pbkdf2Sync(password, salt, iterations, 64, "sha512");
  return `$7$${iterations}$${salt.toString("base64")}$${hash.toString("base64")}`;
}
