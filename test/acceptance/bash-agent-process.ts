import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { waitFor } from "../helpers/wait.js";

const SCRIPT = fileURLToPath(new URL("./bash-agent.sh", import.meta.url));

/** The bash agent in its own process group, so that killing the group drops its one connection like a crash. */
export class BashAgent {
  readonly lines: string[] = [];
  private stderr = "";
  private readonly child: ChildProcess;
  private killed = false;

  constructor(env: Record<string, string>) {
    this.child = spawn("bash", [SCRIPT], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    let partial = "";
    this.child.stdout?.on("data", (chunk) => {
      partial += String(chunk);
      const parts = partial.split("\n");
      partial = parts.pop() ?? "";
      this.lines.push(...parts);
    });
    this.child.stderr?.on("data", (chunk) => {
      this.stderr += String(chunk);
    });
  }

  send(line: string): void {
    this.child.stdin?.write(`${line}\n`);
  }

  telemetry(deviceId: string, values: object): void {
    this.send(`telemetry ${deviceId} ${JSON.stringify(values)}`);
  }

  async waitForLine(pattern: RegExp, after = 0, timeoutMs = 10_000): Promise<number> {
    return await waitFor(
      () => {
        if (this.child.exitCode !== null) throw new Error(`bash agent exited: ${this.stderr}`);
        const index = this.lines.findIndex((l, i) => i >= after && pattern.test(l));
        return index >= 0 ? index + 1 : null;
      },
      `agent output ${pattern} (stderr: ${this.stderr})`,
      timeoutMs,
    );
  }

  /** What the agent wrote on stderr. */
  get errors(): string {
    return this.stderr;
  }

  /** Resolves once the agent has ended: its exit code, or the signal that killed it. */
  async exit(timeoutMs = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return await waitFor(
      () =>
        this.child.exitCode !== null || this.child.signalCode !== null
          ? { code: this.child.exitCode, signal: this.child.signalCode }
          : null,
      "agent exit",
      timeoutMs,
    );
  }

  /** Resolves with the agent's exit code once it has exited; a death by signal is an error that names it. */
  async exitCode(timeoutMs = 10_000): Promise<number> {
    const { code, signal } = await this.exit(timeoutMs);
    if (code === null) throw new Error(`bash agent killed by ${signal} (stderr: ${this.stderr})`);
    return code;
  }

  /** SIGKILL to the whole group: the socket closes without DISCONNECT, so the broker publishes the will. */
  kill(): void {
    if (!this.child.pid || this.killed) return;
    this.killed = true;
    try {
      process.kill(-this.child.pid, "SIGKILL");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err; // it had already exited
    }
  }
}
