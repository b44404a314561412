import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topics } from "../../src/contract/index.js";
import { type PlainBroker, startPlainBroker } from "../helpers/plain-broker.js";
import { waitFor } from "../helpers/wait.js";

const run = promisify(execFile);
const CLI = ["--import", "tsx", "agents/cli.ts"];

describe("agent CLI", () => {
  let broker: PlainBroker;
  let dir: string;

  beforeAll(async () => {
    broker = await startPlainBroker();
    dir = mkdtempSync(join(tmpdir(), "hallwatch-agent-cli-"));
  });
  afterAll(async () => {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs an agent from a config file (relative secret and state paths) and stops cleanly on SIGTERM", async () => {
    writeFileSync(join(dir, "agent.secret"), "s3cret\n");
    writeFileSync(
      join(dir, "agent.json"),
      JSON.stringify({
        brokerUrl: broker.url,
        hallId: "h1",
        agentId: "h1-kiosk-1",
        passwordFile: "agent.secret",
        stateDir: "state",
        logLevel: "silent",
        devices: [
          {
            id: "kiosk-1",
            kind: "kiosk",
            model: "K",
            zone: "z",
            reportIntervalSec: 1,
            driver: { type: "simulated" },
          },
        ],
      }),
    );
    const observer = await mqtt.connectAsync(broker.url, { clientId: "cli-observer" });
    const statuses: any[] = [];
    observer.on("message", (_t, p) => statuses.push(JSON.parse(p.toString())));
    await observer.subscribeAsync(topics.agentStatus("h1", "h1-kiosk-1"), { qos: 1 });
    const child = spawn(process.execPath, [...CLI, "run", "--config", join(dir, "agent.json")], {
      stdio: "ignore",
    });
    try {
      await waitFor(() => statuses.some((s) => s.state === "online"), "online", 15_000);
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(statuses.at(-1)).toMatchObject({ state: "offline", reason: "shutdown", session: 1 });
    } finally {
      child.kill("SIGKILL");
      await observer.endAsync(true);
    }
  });

  it("check lists every bad path of a config and exits with code 2", async () => {
    writeFileSync(
      join(dir, "bad.json"),
      JSON.stringify({ brokerUrl: "http://x", hallId: "H!", stateDir: "", devices: [{ id: "k" }] }),
    );
    const err = await run(process.execPath, [...CLI, "check", "--config", join(dir, "bad.json")]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(err).toMatchObject({ code: 2 });
    const stderr = (err as { stderr: string }).stderr;
    for (const path of ["brokerUrl", "hallId", "agentId", "stateDir", "devices.0.kind", "devices.0.driver"]) {
      expect(stderr).toContain(`${path}:`);
    }
  });
});
