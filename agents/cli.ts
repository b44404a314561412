// Runs one Hallwatch agent:  npm run agent -- run --config /etc/hallwatch/agent.json
import { Command } from "commander";
import { createLogger } from "../src/logging.js";
import { Agent } from "./runtime/agent.js";
import { AgentConfigError, loadAgentConfig } from "./runtime/config.js";
import { driverFromConfig } from "./runtime/drivers-from-config.js";

const program = new Command().name("hallwatch-agent").description("Hallwatch edge agent");

program
  .command("run")
  .description("connect to the broker and report the configured devices until stopped")
  .requiredOption("--config <file>", "agent config file (JSON)", process.env.HALLWATCH_AGENT_CONFIG)
  .action(async (opts: { config: string }) => {
    let loaded: ReturnType<typeof loadAgentConfig>;
    try {
      loaded = loadAgentConfig(opts.config);
    } catch (err) {
      if (err instanceof AgentConfigError) {
        console.error(err.message);
        process.exit(2);
      }
      throw err;
    }
    const { config, password } = loaded;
    const logger = createLogger(config.logLevel, "hallwatch-agent");
    const sensors = config.devices.filter((d) => d.kind === "extinguisher" || d.kind === "hydrant").length;
    const agent = new Agent({
      brokerUrl: config.brokerUrl,
      hallId: config.hallId,
      agentId: config.agentId,
      password,
      stateDir: config.stateDir,
      spoolMaxBytes: config.spoolMaxBytes,
      ...(config.spoolMaxMessages ? { spoolMaxMessages: config.spoolMaxMessages } : {}),
      sampleIntervalMs: config.sampleIntervalMs,
      reconnect: config.reconnect,
      drivers: config.devices.map((d) => driverFromConfig(d, sensors)),
      logger,
    });
    agent.start();
    const stop = async (signal: string) => {
      logger.info({ signal }, "stopping agent");
      // A stop that hangs (a driver that never returns) must not keep a service manager waiting forever.
      setTimeout(() => process.exit(1), 10_000).unref();
      try {
        await agent.stop();
        process.exit(0);
      } catch (err) {
        logger.error({ err: (err as Error).message }, "unclean stop");
        process.exit(1);
      }
    };
    process.once("SIGINT", () => void stop("SIGINT"));
    process.once("SIGTERM", () => void stop("SIGTERM"));
  });

program
  .command("check")
  .description("validate a config file and print what it would run")
  .requiredOption("--config <file>", "agent config file (JSON)")
  .action((opts: { config: string }) => {
    try {
      const { config } = loadAgentConfig(opts.config);
      console.log(`ok: agent ${config.agentId} in hall ${config.hallId}, ${config.devices.length} device(s)`);
      for (const d of config.devices)
        console.log(`  ${d.id}\t${d.kind}\t${d.driver.type}\tevery ${d.reportIntervalSec} s`);
    } catch (err) {
      console.error((err as Error).message);
      process.exit(2);
    }
  });

await program.parseAsync(process.argv);
