// Provisioning and a standalone broker:  npm run broker -- <command>   (see --help)
import { join } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { agentIdSchema, hallIdSchema } from "../src/contract/index.js";
import { createLogger } from "../src/logging.js";
import { CredentialStore } from "../src/store/credentials.js";
import { type Db, openDatabase } from "../src/store/database.js";
import { HallStore } from "../src/store/halls.js";
import { HallwatchBroker } from "./broker.js";

const program = new Command()
  .name("hallwatch-broker")
  .description("Hallwatch's embedded MQTT broker: provisioning of halls and agents, and running it alone")
  .option(
    "--data-dir <dir>",
    "data directory holding hallwatch.db",
    process.env.HALLWATCH_DATA_DIR ?? "./data",
  );

const id = (schema: typeof hallIdSchema) => (value: string) => {
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidArgumentError(result.error.issues[0]?.message ?? "invalid id");
  return value;
};
const port = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError("must be a port number");
  return n;
};

function withDb<T>(fn: (db: Db) => Promise<T> | T): Promise<T> {
  const db = openDatabase(join(program.opts<{ dataDir: string }>().dataDir, "hallwatch.db"));
  return Promise.resolve()
    .then(() => fn(db))
    .finally(() => db.close());
}

function checkId(schema: typeof hallIdSchema, value: string): void {
  const result = schema.safeParse(value);
  if (!result.success) fail(`"${value}": ${result.error.issues[0]?.message ?? "invalid id"}`);
}

function fail(message: string): never {
  console.error(`error: ${message}`);
  process.exit(1);
}

const hall = program.command("hall").description("manage halls");
hall
  .command("add <hallId>")
  .description("create or rename a hall")
  .requiredOption("--name <name>", "display name")
  .option("--time-zone <zone>", "IANA time zone", "Asia/Shanghai")
  .action(async (hallId: string, opts: { name: string; timeZone: string }) => {
    checkId(hallIdSchema, hallId);
    if (!Intl.supportedValuesOf("timeZone").includes(opts.timeZone) && opts.timeZone !== "UTC") {
      fail(`unknown time zone ${opts.timeZone}`);
    }
    await withDb((db) => new HallStore(db).upsert({ id: hallId, name: opts.name, timeZone: opts.timeZone }));
    console.log(`hall ${hallId} saved`);
  });
hall.command("list").action(() =>
  withDb((db) => {
    for (const h of new HallStore(db).list()) console.log(`${h.id}\t${h.timeZone}\t${h.name}`);
  }),
);

const agent = program.command("agent").description("manage agent credentials");
agent
  .command("provision <agentId>")
  .description("create an agent and print its secret (shown once)")
  .requiredOption("--hall <hallId>", "the agent's hall", id(hallIdSchema))
  .option("--name <name>", "a description")
  .action(async (agentId: string, opts: { hall: string; name?: string }) => {
    checkId(agentIdSchema, agentId);
    const secret = await withDb(async (db) => {
      if (!new HallStore(db).get(opts.hall))
        fail(`no hall ${opts.hall}; create it with: hall add ${opts.hall} --name ...`);
      const store = new CredentialStore(db);
      if (store.findPrincipal(agentId) || db.prepare("SELECT 1 FROM agents WHERE id = ?").get(agentId)) {
        fail(`agent ${agentId} exists; use "agent rotate ${agentId}" for a new secret`);
      }
      return (await store.provisionAgent(opts.hall, agentId, opts.name)).secret;
    });
    printSecret(agentId, secret);
  });
agent
  .command("rotate <agentId>")
  .description("replace an agent's secret (the old one stops working) and print the new one once")
  .action(async (agentId: string) => {
    const secret = await withDb(async (db) => {
      if (!db.prepare("SELECT 1 FROM agents WHERE id = ?").get(agentId)) fail(`no agent ${agentId}`);
      return (await new CredentialStore(db).rotateAgentSecret(agentId)).secret;
    });
    printSecret(agentId, secret);
  });
agent
  .command("revoke <agentId>")
  .description("revoke an agent: it can no longer connect")
  .action((agentId: string) =>
    withDb((db) => {
      if (!new CredentialStore(db).revokeAgent(agentId)) fail(`no active agent ${agentId}`);
      console.log(`agent ${agentId} revoked`);
    }),
  );

program
  .command("serve")
  .description("run the broker alone (the aggregator then connects to it as an external broker)")
  .option("--host <host>", "listen address", process.env.HALLWATCH_MQTT_HOST ?? "0.0.0.0")
  .option("--port <port>", "MQTT port", port, Number(process.env.HALLWATCH_MQTT_PORT ?? 1883))
  .option("--ws-port <port>", "MQTT over WebSocket port", port)
  .action(async (opts: { host: string; port: number; wsPort?: number }) => {
    const db = openDatabase(join(program.opts<{ dataDir: string }>().dataDir, "hallwatch.db"));
    const broker = new HallwatchBroker({
      host: opts.host,
      mqttPort: opts.port,
      wsPort: opts.wsPort ?? null,
      credentials: new CredentialStore(db),
      logger: createLogger(process.env.HALLWATCH_LOG_LEVEL ?? "info", "hallwatch-broker"),
    });
    await broker.start();
    const shutdown = async () => {
      await broker.stop();
      db.close();
      process.exit(0);
    };
    process.once("SIGINT", shutdown);
    process.once("SIGTERM", shutdown);
  });

function printSecret(agentId: string, secret: string): void {
  console.log(`agent:  ${agentId}`);
  console.log(`secret: ${secret}`);
  console.log("This secret is shown once and stored only as a hash. Put it in the agent's config now.");
}

await program.parseAsync(process.argv);
