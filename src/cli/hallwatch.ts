// Operations from the shell:  npm run hallwatch -- <command>   (see --help)
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { provisionDemoOnMosquitto } from "../app/demo-mosquitto.js";
import { DEVICE_KINDS } from "../contract/index.js";
import { maintenanceWindowSchema } from "../core/calendar/maintenance.js";
import { openingHoursSchema } from "../core/calendar/opening-hours.js";
import { type AuditEntry, AuditLog } from "../store/audit.js";
import { HallStore } from "../store/halls.js";
import { MaintenanceStore } from "../store/maintenance.js";
import type { SqlEngine } from "../store/sql/engine.js";
import { errorMessage, redactUrls } from "../store/sql/error-text.js";
import { openSqlEngine } from "../store/sql/open.js";
import { registerDbCommands } from "./db-commands.js";

const program = new Command()
  .name("hallwatch")
  .description(
    "Hallwatch operations: maintenance windows and opening hours (changes are audited), demo agents on Mosquitto",
  )
  .option(
    "--data-dir <dir>",
    "data directory holding hallwatch.db",
    process.env.HALLWATCH_DATA_DIR ?? "./data",
  )
  .option("--by <name>", "who is making the change (for the audit log)", process.env.USER ?? "cli");

/**
 * The system of record the server uses: PostgreSQL when HALLWATCH_DATABASE_URL is set (a node of several,
 * docs/scale-out.md), else `<data dir>/hallwatch.db`. A database that cannot be opened fails the command.
 */
async function withStore<T>(fn: (sql: SqlEngine) => Promise<T> | T): Promise<T> {
  const databaseUrl = process.env.HALLWATCH_DATABASE_URL || null;
  let sql: SqlEngine;
  try {
    sql = await openSqlEngine({
      databaseUrl,
      sqlitePath: join(program.opts<{ dataDir: string }>().dataDir, "hallwatch.db"),
    });
  } catch (err) {
    fail(
      `cannot open the ${databaseUrl ? "PostgreSQL" : "SQLite"} database: ${redactUrls(errorMessage(err))}`,
    );
  }
  try {
    return await fn(sql);
  } finally {
    await sql.close();
  }
}

function fail(message: string): never {
  console.error(`error: ${message}`);
  process.exit(1);
}

async function hallMustExist(sql: SqlEngine, hallId: string): Promise<void> {
  if (!(await new HallStore(sql).get(hallId))) fail(`no hall ${hallId}`);
}

/** Audits a change made from the shell; a CLI keeps nothing for later, so an entry not written fails the command. */
async function audit(sql: SqlEngine, entry: Omit<AuditEntry, "atMs" | "actor" | "ip">): Promise<void> {
  let error: unknown = null;
  const keep = (err: unknown) => {
    error = err;
  };
  const log = new AuditLog(sql, keep, keep);
  await log.record({ atMs: Date.now(), actor: program.opts<{ by: string }>().by, ip: null, ...entry });
  if (error !== null) fail(`the change was made but could not be audited: ${(error as Error).message}`);
}

const issues = (error: { issues: { path: PropertyKey[]; message: string }[] }) =>
  error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("\n  ");

const maintenance = program.command("maintenance").description("maintenance windows");
maintenance
  .command("add")
  .description("plan a maintenance window (alerts recorded but not notified, time left out of uptime)")
  .requiredOption("--hall <hallId>")
  .option("--kind <kind>", `every device of a kind (${DEVICE_KINDS.join(", ")})`)
  .option("--device <deviceId>", "one device")
  .option("--from <iso>", "one-off: start, e.g. 2026-11-24T02:00+08:00")
  .option("--to <iso>", "one-off: end")
  .option("--daily <HH:mm>", "every day at this local time")
  .option("--weekly <days>", "with --at: e.g. mon,thu")
  .option("--monthly <day>", "with --at: day of month")
  .option("--at <HH:mm>", "local start time for --weekly / --monthly")
  .option("--cron <expression>", "a cron expression (with --duration)")
  .option("--duration <minutes>", "length of each recurring window")
  .requiredOption("--reason <text>", "why")
  .action(async (o: Record<string, string | undefined>) => {
    const duration = o.duration ? Number(o.duration) : undefined;
    const recurrence = o.from
      ? { type: "once", startMs: Date.parse(o.from), endMs: Date.parse(o.to ?? "") }
      : o.daily
        ? { type: "daily", start: o.daily, durationMin: duration }
        : o.weekly
          ? { type: "weekly", weekdays: o.weekly.split(","), start: o.at, durationMin: duration }
          : o.monthly
            ? { type: "monthly", dayOfMonth: Number(o.monthly), start: o.at, durationMin: duration }
            : o.cron
              ? { type: "cron", expression: o.cron, durationMin: duration }
              : fail("give one of --from/--to, --daily, --weekly, --monthly or --cron");
    const scope = o.device
      ? { type: "device", deviceId: o.device }
      : o.kind
        ? { type: "kind", kind: o.kind }
        : { type: "hall" };
    const parsed = maintenanceWindowSchema.safeParse({ scope, recurrence, reason: o.reason });
    if (!parsed.success) fail(`invalid window:\n  ${issues(parsed.error)}`);
    await withStore(async (sql) => {
      await hallMustExist(sql, o.hall as string);
      const by = program.opts<{ by: string }>().by;
      const window = await new MaintenanceStore(sql).add(o.hall as string, parsed.data, by);
      await audit(sql, {
        action: "maintenance_window_added",
        target: window.id,
        before: undefined,
        after: window,
      });
      console.log(`added ${window.id}`);
    });
  });
maintenance
  .command("list")
  .requiredOption("--hall <hallId>")
  .action((o: { hall: string }) =>
    withStore(async (sql) => {
      for (const w of await new MaintenanceStore(sql).list(o.hall)) {
        console.log(
          `${w.id}\t${JSON.stringify(w.scope)}\t${JSON.stringify(w.recurrence)}\t${w.reason}\t${w.createdBy}`,
        );
      }
    }),
  );
maintenance.command("remove <id>").action((id: string) =>
  withStore(async (sql) => {
    const removed = await new MaintenanceStore(sql).remove(id);
    if (!removed) fail(`no window ${id}`);
    await audit(sql, {
      action: "maintenance_window_removed",
      target: id,
      before: removed,
      after: undefined,
    });
    console.log(`removed ${id}`);
  }),
);

const hours = program.command("hours").description("opening hours");
hours
  .command("set")
  .requiredOption("--hall <hallId>")
  .requiredOption("--file <path>", "JSON: {timeZone, weekly: {mon: [{open, close}], …}, exceptions: […]}")
  .action(async (o: { hall: string; file: string }) => {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(o.file, "utf8"));
    } catch (err) {
      fail(`${o.file}: ${(err as Error).message}`);
    }
    const parsed = openingHoursSchema.safeParse(json);
    if (!parsed.success) fail(`invalid opening hours:\n  ${issues(parsed.error)}`);
    await withStore(async (sql) => {
      await hallMustExist(sql, o.hall);
      const halls = new HallStore(sql);
      const before = await halls.openingHours(o.hall);
      await halls.setOpeningHours(o.hall, parsed.data);
      await audit(sql, {
        action: "opening_hours_changed",
        target: o.hall,
        before,
        after: parsed.data,
      });
      console.log(`opening hours of ${o.hall} saved`);
    });
  });
hours
  .command("show")
  .requiredOption("--hall <hallId>")
  .action((o: { hall: string }) =>
    withStore(async (sql) =>
      console.log(JSON.stringify(await new HallStore(sql).openingHours(o.hall), null, 2)),
    ),
  );

program
  .command("demo-agents")
  .description("provision the demo hall's agents and write them into an external Mosquitto's password file")
  .requiredOption(
    "--mosquitto-passwd <file>",
    "Mosquitto password file to add the demo agents to (other lines kept)",
  )
  .option("--hall <hallId>", "the demo hall's id (config demo.hallId)", "demo-hall")
  .action(async (o: { mosquittoPasswd: string; hall: string }) => {
    const { dataDir } = program.opts<{ dataDir: string }>();
    const agentIds = await withStore((sql) =>
      provisionDemoOnMosquitto(sql, dataDir, o.hall, o.mosquittoPasswd),
    );
    console.log(
      `${agentIds.length} demo agents written to ${o.mosquittoPasswd}; reload Mosquitto (SIGHUP) and restart Hallwatch`,
    );
  });

registerDbCommands(program, () => program.opts<{ dataDir: string }>().dataDir);

await program.parseAsync(process.argv);
