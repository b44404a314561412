import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../helpers/free-port.js";
import { sleep } from "../helpers/wait.js";
import { duplicateKeys } from "./duplicate-keys.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BANNER_END = "Press Ctrl-C to stop.";

interface Run {
  child: ChildProcess;
  output: string;
  dir: string;
}
const runs: Run[] = [];

/**
 * `tsx src/main.ts` as `npm start` runs it: in a pseudo-terminal (util-linux `script`), or with stdout a pipe as
 * under systemd or Docker. Waits for the banner, then (with the demo) for the simulated agents to connect.
 */
async function start(mode: "tty" | "pipe", demo: boolean): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "hallwatch-terminal-"));
  const { HALLWATCH_ADMIN_PASSWORD: _unset, ...inherited } = process.env;
  const env = {
    ...inherited,
    HALLWATCH_DATA_DIR: dir,
    HALLWATCH_HTTP_HOST: "127.0.0.1",
    HALLWATCH_HTTP_PORT: String(await freePort()),
    HALLWATCH_MQTT_HOST: "127.0.0.1",
    HALLWATCH_MQTT_PORT: String(await freePort()),
    HALLWATCH_MQTT_WS_PORT: "",
    HALLWATCH_SIM_CONTROL_PORT: String(await freePort()),
    HALLWATCH_DEMO: demo ? "1" : "0",
    HALLWATCH_LOG_LEVEL: "info",
    FORCE_COLOR: "0",
    NO_COLOR: "1",
  };
  const node = `${process.execPath} --import tsx src/main.ts`;
  // detached: the child leads its own process group, so the test can end it and everything it started.
  const child =
    mode === "tty"
      ? spawn("script", ["-qfec", node, "/dev/null"], { cwd: ROOT, env, detached: true })
      : spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { cwd: ROOT, env, detached: true });
  const run: Run = { child, output: "", dir };
  runs.push(run);
  const keep = (chunk: Buffer) => {
    run.output += String(chunk).replace(/\r/g, "");
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const deadline = Date.now() + 90_000;
  const ready = () =>
    run.output.includes(BANNER_END) && (!demo || (run.output.match(/agent connected/g) ?? []).length >= 2);
  while (!ready()) {
    if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}:\n${run.output}`);
    if (Date.now() > deadline) throw new Error(`no banner in time:\n${run.output}`);
    await sleep(200);
  }
  await sleep(500);
  return run;
}

afterEach(async () => {
  for (const run of runs.splice(0)) {
    if (run.child.exitCode === null && run.child.pid !== undefined) {
      const exited = new Promise((resolve) => run.child.once("exit", resolve));
      process.kill(-run.child.pid, "SIGTERM");
      await Promise.race([exited, sleep(10_000)]);
      if (run.child.exitCode === null) process.kill(-run.child.pid, "SIGKILL");
    }
    rmSync(run.dir, { recursive: true, force: true });
  }
});

const lines = (output: string) => output.split("\n").filter((line) => line.trim() !== "");
const bannerOf = (output: string) => {
  const all = output.split("\n");
  const from = all.indexOf("Hallwatch is running.");
  const to = all.indexOf(BANNER_END);
  return all.slice(from, to + 1).join("\n");
};

describe("npm start in a terminal and in a pipe", () => {
  it("prints readable lines in a terminal, the banner plain, with the demo users when the demo runs", async () => {
    const run = await start("tty", true);
    const all = lines(run.output);
    expect(
      all.filter((line) => line.startsWith("{")),
      run.output,
    ).toEqual([]);
    expect(run.output).toMatch(/INFO.*agent connected/);
    expect(bannerOf(run.output)).toContain("Hallwatch is running.");
    expect(bannerOf(run.output)).toMatch(/duty \/ floor \/ maint \/ guard/);
    // Pretty lines show a binding once: "agentId: …" on the line's own fields, never twice.
    for (const line of all.filter((l) => l.includes("agent connected"))) {
      expect(line.match(/agentId/g) ?? [], line).toHaveLength(1);
    }
  }, 150_000);

  it("prints one JSON object per log line in a pipe, none with a repeated key; the banner stays plain", async () => {
    const run = await start("pipe", true);
    const banner = bannerOf(run.output);
    expect(banner).toMatch(/duty \/ floor \/ maint \/ guard/);
    const logLines = lines(run.output).filter((line) => !banner.includes(line));
    const json = logLines.filter((line) => line.startsWith("{"));
    expect(json.length).toBeGreaterThan(3);
    const notJson = logLines.filter((line) => !line.startsWith("{") && !line.startsWith("First start"));
    expect(notJson, run.output).toEqual([]);
    for (const line of json) {
      expect(() => JSON.parse(line), line).not.toThrow();
      expect(duplicateKeys(line), line).toEqual([]);
    }
    expect(json.some((line) => line.includes('"agent connected"'))).toBe(true);
  }, 150_000);

  it("does not advertise demo users when the demo is off, and shows the one-time admin password once", async () => {
    const run = await start("pipe", false);
    const banner = bannerOf(run.output);
    expect(banner).toContain("Demo hall    off");
    expect(banner).not.toMatch(/demo users|duty \/ floor|demo-</);
    expect(run.output).toMatch(/First start: created user "admin" with the one-time password \S+/);
    expect(run.output).toContain("#/account");
  }, 150_000);
});
