import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chownSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "./free-port.js";
import { sleep } from "./wait.js";

/** Debian's PostgreSQL server binaries (package postgresql), newest version first. */
export const PG_BIN = findPgBin();

function findPgBin(): string | null {
  const root = "/usr/lib/postgresql";
  try {
    const versions = readdirSync(root)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const bin = join(root, version, "bin");
      if (readdirSync(bin).includes("initdb")) return bin;
    }
  } catch {
    // not installed
  }
  return null;
}

export interface PostgresServer {
  port: number;
  /** A connection string for a database on this server (default: the admin database "postgres"). */
  url(database?: string): string;
  /** Creates an empty database with a unique name and returns its connection string. */
  createDatabase(prefix?: string): Promise<string>;
  /** Stops the server at once, as a crash would (SIGKILL of the postmaster), keeping its data. */
  kill(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a throwaway PostgreSQL on a free loopback port with its cluster in a temporary folder (initdb), trusting
 * local connections as user "hallwatch". PostgreSQL refuses to run as root; as root (CI), the cluster belongs to
 * Debian's "postgres" system user and the server runs as that user (setpriv), so stop() and kill() reach it directly.
 */
export async function startPostgres(): Promise<PostgresServer> {
  if (!PG_BIN) throw new Error("PostgreSQL is not installed (Debian: apt-get install postgresql)");
  const bin = PG_BIN;
  const dir = mkdtempSync(join(tmpdir(), "hallwatch-pg-"));
  const data = join(dir, "data");
  const asRoot = process.getuid?.() === 0;
  const asServerUser = (command: string, args: string[]): [string, string[]] => {
    if (!asRoot) return [command, args];
    return ["setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", command, ...args]];
  };
  if (asRoot) {
    const ids = execFileSync("id", ["-u", "postgres"]).toString().trim();
    const gid = execFileSync("id", ["-g", "postgres"]).toString().trim();
    chownSync(dir, Number(ids), Number(gid));
  }
  const [initCmd, initArgs] = asServerUser(join(bin, "initdb"), [
    "-D",
    data,
    "-U",
    "hallwatch",
    "--auth=trust",
    "-E",
    "UTF8",
    "--locale=C",
    "--no-sync",
  ]);
  execFileSync(initCmd, initArgs, { stdio: ["ignore", "ignore", "pipe"] });
  const port = await freePort();
  const url = (database = "postgres") => `postgres://hallwatch@127.0.0.1:${port}/${database}`;
  let child: ChildProcess | null = null;
  let stderr = "";
  let databases = 0;

  const launch = async () => {
    stderr = "";
    const [cmd, args] = asServerUser(join(bin, "postgres"), [
      "-D",
      data,
      "-p",
      String(port),
      "-k",
      dir,
      "-c",
      "listen_addresses=127.0.0.1",
      // A test cluster: durability is not what is tested here, speed is welcome.
      "-c",
      "fsync=off",
      "-c",
      "synchronous_commit=off",
      "-c",
      "full_page_writes=off",
      "-c",
      "max_connections=200",
    ]);
    const proc = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
    child = proc;
    proc.stderr?.on("data", (chunk) => {
      stderr = (stderr + String(chunk)).slice(-4000);
    });
    const deadline = Date.now() + 30_000;
    while (!(await accepts(url()))) {
      if (Date.now() > deadline || proc.exitCode !== null) {
        proc.kill("SIGKILL");
        throw new Error(`postgres did not start: ${stderr}`);
      }
      await sleep(100);
    }
  };
  const halt = async (signal: NodeJS.Signals) => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once("exit", resolve));
    proc.kill(signal);
    await exited;
  };

  await launch();
  return {
    port,
    url,
    async createDatabase(prefix = "hw") {
      databases += 1;
      const name = `${prefix}_${process.pid}_${databases}_${Math.random().toString(36).slice(2, 8)}`;
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    kill: async () => {
      await halt("SIGKILL");
      // The postmaster's children notice its death and exit; wait for them so restart() finds the port free.
      await sleep(500);
    },
    restart: launch,
    async stop() {
      await halt("SIGINT"); // fast shutdown
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function accepts(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}
