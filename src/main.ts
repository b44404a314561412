// `npm start`: Hallwatch on its embedded default — broker, aggregator, SQLite, HTTP API and the demo hall — or, with
// HALLWATCH_DATABASE_URL, on a PostgreSQL database.
import { createDemo } from "./app/demo.js";
import { createEmbeddedBroker } from "./app/embedded-broker.js";
import { HallwatchServer } from "./app/server.js";
import { AnotherNodeError } from "./cluster/one-node-lock.js";
import { ConfigError, loadConfig } from "./config/config.js";
import { RulesConfigError } from "./core/faults/config.js";
import { createLogger } from "./logging.js";
import { SecretKeyError } from "./security/secret-key.js";

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}

const logger = createLogger(config.logLevel);
const server = new HallwatchServer(config, logger, {
  createBroker: createEmbeddedBroker,
  createDemo,
  onAnotherNode: () => {
    void server.stop().finally(() => process.exit(2));
  },
});

/** host:port/database of the URL, never its user or password. */
function databaseShown(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return "(URL not shown)";
  }
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "stopping Hallwatch");
  await server.stop();
  process.exit(0);
}
process.once("SIGINT", () => void shutdown("SIGINT"));
process.once("SIGTERM", () => void shutdown("SIGTERM"));

try {
  const at = await server.start();
  const lines = [
    "",
    "Hallwatch is running.",
    at.simulatorControlUrl
      ? `  Web console  ${at.httpUrl}/   (admin; demo users duty / floor / maint / guard, passwords demo-<user>; see README)`
      : `  Web console  ${at.httpUrl}/   (sign in as admin)`,
    `  HTTP API     ${at.httpUrl}/api/openapi.json   (health: ${at.httpUrl}/api/health)`,
    `  MQTT broker  ${at.mqttUrl}${at.mqttWsUrl ? `   (WebSocket: ${at.mqttWsUrl})` : ""}`,
    at.simulatorControlUrl
      ? `  Demo hall    "${config.demo.hallId}", faults: npm run sim -- inject --hall ${config.demo.hallId} --device kiosk-1 --fault paper_jam`
      : "  Demo hall    off (HALLWATCH_DEMO=0)",
    config.databaseUrl
      ? `  Data         PostgreSQL ${databaseShown(config.databaseUrl)}; ingest log in ${config.dataDir}`
      : `  Data         ${config.dataDir}`,
    "Press Ctrl-C to stop.",
    "",
  ];
  console.log(lines.join("\n"));
} catch (err) {
  // Exit 2: a configuration the operator must fix (a restart would fail the same way).
  if (err instanceof RulesConfigError || err instanceof SecretKeyError || err instanceof AnotherNodeError) {
    console.error(err.message);
    await server.stop();
    process.exit(2);
  }
  logger.fatal({ err }, "Hallwatch failed to start");
  await server.stop();
  process.exit(1);
}
