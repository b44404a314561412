import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import mqtt from "mqtt";
import { afterAll, describe, expect, it } from "vitest";
import { HallwatchBroker } from "../../broker/broker.js";
import { silentLogger } from "../../src/logging.js";
import { CredentialStore } from "../../src/store/credentials.js";
import { openDatabase } from "../../src/store/database.js";

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), "hallwatch-cli-"));
const cli = (...args: string[]) =>
  run(process.execPath, ["--import", "tsx", "broker/cli.ts", "--data-dir", dataDir, ...args], {
    cwd: process.cwd(),
  });

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("broker CLI", () => {
  it("provisions an agent whose printed secret then connects; the secret is not stored in clear", async () => {
    await cli("hall", "add", "cli-hall", "--name", "CLI hall");
    const { stdout } = await cli("agent", "provision", "cli-agent", "--hall", "cli-hall");
    const secret = /secret: (\S+)/.exec(stdout)?.[1];
    expect(secret).toMatch(/^[A-Za-z0-9_-]{40,}$/);

    const db = openDatabase(join(dataDir, "hallwatch.db"));
    const row = db.prepare("SELECT secret_hash FROM agents WHERE id = 'cli-agent'").get() as {
      secret_hash: string;
    };
    expect(row.secret_hash.startsWith("scrypt$")).toBe(true);
    expect(row.secret_hash).not.toContain(secret);
    const broker = new HallwatchBroker({
      host: "127.0.0.1",
      mqttPort: 0,
      wsPort: null,
      credentials: new CredentialStore(db),
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

  it("refuses bad ids, unknown halls and duplicates with a clear message and a non-zero exit", async () => {
    await expect(cli("agent", "provision", "Bad/Id", "--hall", "cli-hall")).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("agent id must be"),
    });
    await expect(cli("agent", "provision", "x1", "--hall", "no-such-hall")).rejects.toMatchObject({
      stderr: expect.stringContaining("no hall no-such-hall"),
    });
    await expect(cli("agent", "provision", "cli-agent", "--hall", "cli-hall")).rejects.toMatchObject({
      stderr: expect.stringContaining("exists"),
    });
  });
});
