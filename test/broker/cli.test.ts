import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import mqtt from "mqtt";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { HallwatchBroker } from "../../broker/broker.js";
import { silentLogger } from "../../src/logging.js";
import { CredentialStore } from "../../src/store/credentials.js";
import { openDatabase } from "../../src/store/database.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";
import { freePort } from "../helpers/free-port.js";
import { waitFor } from "../helpers/wait.js";
import { refusalCode } from "./harness.js";

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), "hallwatch-cli-"));
const cliArgs = (...args: string[]) => ["--import", "tsx", "broker/cli.ts", "--data-dir", dataDir, ...args];
const cli = (...args: string[]) => run(process.execPath, cliArgs(...args), { cwd: process.cwd() });
const secretIn = (stdout: string) => /^secret: (\S+)$/m.exec(stdout)?.[1] ?? "";

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("broker CLI", () => {
  it("provisions an agent whose printed secret then connects; only its hash is stored", async () => {
    await cli("hall", "add", "cli-hall", "--name", "CLI hall");
    const { stdout } = await cli("agent", "provision", "cli-agent", "--hall", "cli-hall");
    const secret = secretIn(stdout);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(stdout).toContain("cannot be shown again");

    const db = openDatabase(join(dataDir, "hallwatch.db"));
    const row = db.prepare("SELECT secret_hash FROM agents WHERE id = 'cli-agent'").get() as {
      secret_hash: string;
    };
    expect(row.secret_hash.startsWith("scrypt$")).toBe(true);
    expect(row.secret_hash).not.toContain(secret);
    const broker = new HallwatchBroker({
      host: "127.0.0.1",
      mqttPort: 0,
      credentials: new CredentialStore(new SqliteEngine(db)),
      logger: silentLogger(),
    });
    const { mqttPort } = await broker.start();
    try {
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
        clientId: "cli-agent",
        username: "cli-agent",
        password: secret,
        reconnectPeriod: 0,
      });
      expect(client.connected).toBe(true);
      await client.endAsync();
    } finally {
      await broker.stop();
      db.close();
    }
  });

  it("refuses bad ids, unknown halls and duplicates with one clear line and exit code 1", async () => {
    const refusals: [string[], string][] = [
      [["agent", "provision", "Bad/Id", "--hall", "cli-hall"], "agent id must be"],
      [["agent", "provision", "x1", "--hall", "no-such-hall"], "no hall no-such-hall"],
      [["agent", "provision", "cli-agent", "--hall", "cli-hall"], "already exists"],
      [["hall", "add", "cli-hall", "--name", "again"], "hall cli-hall already exists"],
      [["hall", "add", "_system", "--name", "x"], "hall id must be"],
      [["hall", "add", "h2", "--name", "x", "--time-zone", "Mars/Base"], "unknown time zone"],
      [["agent", "rotate", "nobody"], "no agent nobody"],
      [["agent", "revoke", "nobody"], "no agent nobody"],
    ];
    await Promise.all(
      refusals.map(([args, message]) =>
        expect(cli(...args), args.join(" ")).rejects.toMatchObject({
          code: 1,
          stderr: expect.stringContaining(message),
        }),
      ),
    );
  });

  it("serves the broker alone; a revoked agent is then refused, and SIGTERM stops it cleanly", async () => {
    await cli("hall", "add", "serve-hall", "--name", "Serve hall");
    const secret = secretIn((await cli("agent", "provision", "serve-agent", "--hall", "serve-hall")).stdout);
    const port = await freePort();
    const child = spawn(process.execPath, cliArgs("serve", "--host", "127.0.0.1", "--port", String(port)), {
      cwd: process.cwd(),
      env: { ...process.env, HALLWATCH_LOG_LEVEL: "info" },
    });
    children.push(child);
    let output = "";
    child.stdout?.on("data", (chunk) => {
      output += chunk;
    });
    await waitFor(() => output.includes("MQTT broker listening"), "the broker to listen", 10_000);

    const url = `mqtt://127.0.0.1:${port}`;
    const options = {
      clientId: "serve-agent",
      username: "serve-agent",
      password: secret,
      reconnectPeriod: 0,
    };
    const client = await mqtt.connectAsync(url, options);
    await client.endAsync();
    await cli("agent", "revoke", "serve-agent");
    expect(await refusalCode(mqtt.connectAsync(url, options))).toBe(4);
    expect(output).not.toContain(secret);

    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
