// Provisioning, and the broker on its own:  tsx broker/cli.ts <command>   (see --help)
import { join } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import type { ZodType } from "zod";
import { agentIdSchema, hallIdSchema } from "../src/contract/index.js";
import { createLogger } from "../src/logging.js";
import { CredentialStore } from "../src/store/credentials.js";
import { type Db, openDatabase } from "../src/store/database.js";
import { HallStore } from "../src/store/halls.js";
import { SqliteEngine } from "../src/store/sql/sqlite-engine.js";
import { HallwatchBroker } from "./broker.js";

/** An expected failure: printed as one line, exit code 1, no stack. */
class CliError extends Error {}

const program = new Command()
  .name("hallwatch-broker")
  .description("Hallwatch's MQTT broker: provisioning of halls, agents and services, and running it alone")
  .option(
    "--data-dir <dir>",
    "data directory holding hallwatch.db",
    process.env.HALLWATCH_DATA_DIR ?? "./data",
  )
  .showHelpAfterError();

const idArg = (schema: ZodType<string>) => (value: string) => {
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidArgumentError(result.error.issues[0]?.message ?? "invalid id");
  return value;
};
const portArg = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError("must be a port number");
  return n;
};

function checkId(schema: ZodType<string>, value: string): void {
  const result = schema.safeParse(value);
  if (!result.success) throw new CliError(`"${value}": ${result.error.issues[0]?.message ?? "invalid id"}`);
}

function dbPath(): string {
  return join(program.opts<{ dataDir: string }>().dataDir, "hallwatch.db");
}

async function withDb<T>(fn: (db: Db) => Promise<T> | T): Promise<T> {
  const db = openDatabase(dbPath());
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

const credentialsOf = (db: Db) => new CredentialStore(new SqliteEngine(db));

function printSecret(who: string, secret: string): void {
  console.log(`${who}`);
  console.log(`secret: ${secret}`);
  console.log("This secret is shown once and stored only as a hash: it cannot be shown again.");
  console.log("Put it in the agent's configuration now; if it is lost, rotate it.");
}

const hall = program.command("hall").description("manage halls");
hall
  .command("add <hallId>")
  .description("create a hall")
  .requiredOption("--name <name>", "display name")
  .option("--time-zone <zone>", "IANA time zone", "Asia/Shanghai")
  .action(async (hallId: string, opts: { name: string; timeZone: string }) => {
    checkId(hallIdSchema, hallId);
    if (opts.timeZone !== "UTC" && !Intl.supportedValuesOf("timeZone").includes(opts.timeZone)) {
      throw new CliError(`unknown time zone "${opts.timeZone}" (use an IANA name such as Asia/Shanghai)`);
    }
    await withDb(async (db) => {
      const halls = HallStore.onSqlite(db);
      if (await halls.get(hallId)) throw new CliError(`hall ${hallId} already exists`);
      await halls.upsert({ id: hallId, name: opts.name, timeZone: opts.timeZone });
    });
    console.log(`hall ${hallId} created`);
  });
hall
  .command("list")
  .description("list halls")
  .action(() =>
    withDb(async (db) => {
      for (const h of await HallStore.onSqlite(db).list()) console.log(`${h.id}\t${h.timeZone}\t${h.name}`);
    }),
  );

const agent = program.command("agent").description("manage agent credentials");
agent
  .command("provision <agentId>")
  .description("create an agent in a hall and print its secret (shown once)")
  .requiredOption("--hall <hallId>", "the agent's hall", idArg(hallIdSchema))
  .option("--name <name>", "a description")
  .action(async (agentId: string, opts: { hall: string; name?: string }) => {
    checkId(agentIdSchema, agentId);
    const secret = await withDb(async (db) => {
      if (!(await HallStore.onSqlite(db).get(opts.hall))) {
        throw new CliError(`no hall ${opts.hall}; create it first with: hall add ${opts.hall} --name "..."`);
      }
      if (await credentialsOf(db).agentExists(agentId)) {
        throw new CliError(
          `agent ${agentId} already exists; "agent rotate ${agentId}" gives it a new secret`,
        );
      }
      return (await credentialsOf(db).provisionAgent(opts.hall, agentId, opts.name)).secret;
    });
    printSecret(`agent ${agentId} provisioned in hall ${opts.hall}`, secret);
  });
agent
  .command("rotate <agentId>")
  .description(
    "give an agent a new secret (the old one stops working at once; a revoked agent is re-enabled)",
  )
  .action(async (agentId: string) => {
    checkId(agentIdSchema, agentId);
    const secret = await withDb(async (db) => {
      if (!(await credentialsOf(db).agentExists(agentId))) throw new CliError(`no agent ${agentId}`);
      return (await credentialsOf(db).rotateAgentSecret(agentId)).secret;
    });
    printSecret(`agent ${agentId}: new secret`, secret);
  });
agent
  .command("revoke <agentId>")
  .description("revoke an agent: it can no longer connect")
  .action((agentId: string) =>
    withDb(async (db) => {
      checkId(agentIdSchema, agentId);
      const credentials = credentialsOf(db);
      if (!(await credentials.agentExists(agentId))) throw new CliError(`no agent ${agentId}`);
      if (!(await credentials.revokeAgent(agentId)))
        throw new CliError(`agent ${agentId} is already revoked`);
      console.log(
        `agent ${agentId} revoked: it can no longer connect, and a running broker closes its open connection within 30 s`,
      );
    }),
  );

program
  .command("service-secret [serviceId]")
  .description("create or replace a service identity (default _aggregator) and print its secret once")
  .action(async (serviceId = "_aggregator") => {
    if (!/^_[a-z0-9][a-z0-9_-]{0,62}$/.test(serviceId)) {
      throw new CliError(`"${serviceId}": service ids start with '_' followed by a-z, 0-9, '-' or '_'`);
    }
    const secret = await withDb((db) => credentialsOf(db).setServiceSecret(serviceId));
    printSecret(`service ${serviceId}`, secret);
  });

program
  .command("serve")
  .description("run the broker alone (the aggregator then connects to it as an external broker)")
  .option("--host <host>", "listen address", process.env.HALLWATCH_MQTT_HOST ?? "0.0.0.0")
  .option("--port <port>", "MQTT port (env HALLWATCH_MQTT_PORT, default 1883)", portArg)
  .option(
    "--ws-port <port>",
    "MQTT over WebSocket port (env HALLWATCH_MQTT_WS_PORT; off by default)",
    portArg,
  )
  .action(async (opts: { host: string; port?: number; wsPort?: number }) => {
    const envPort = process.env.HALLWATCH_MQTT_PORT;
    const mqttPort = opts.port ?? (envPort ? portArg(envPort) : 1883);
    const envWs = process.env.HALLWATCH_MQTT_WS_PORT;
    const wsPort = opts.wsPort ?? (envWs ? portArg(envWs) : null);
    const logger = createLogger(process.env.HALLWATCH_LOG_LEVEL ?? "info", "hallwatch-broker");
    const db = openDatabase(dbPath());
    const broker = new HallwatchBroker({
      host: opts.host,
      mqttPort,
      wsPort,
      credentials: credentialsOf(db),
      logger,
    });
    try {
      await broker.start();
    } catch (err) {
      db.close();
      throw new CliError(`cannot start the broker: ${(err as Error).message}`);
    }
    let stopping = false;
    const shutdown = async () => {
      if (stopping) return;
      stopping = true;
      await broker.stop();
      db.close();
      logger.info("broker stopped");
    };
    process.once("SIGINT", () => void shutdown());
    process.once("SIGTERM", () => void shutdown());
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  console.error(`error: ${err instanceof CliError ? err.message : String((err as Error).message ?? err)}`);
  process.exitCode = 1;
}
