import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { sleep } from "../helpers/wait.js";

const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));

/**
 * `src/main.ts` in its own process, as it runs in production: a crash is an exit, not a thrown error. Every exit
 * while the test did not ask for one is counted.
 */
export class ServerChild {
  private child: ChildProcess | null = null;
  unexpectedExits: { code: number | null; signal: string | null }[] = [];
  output = "";

  constructor(
    private readonly env: Record<string, string>,
    readonly httpUrl: string,
  ) {}

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(timeoutMs = 60_000): Promise<void> {
    const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
      env: { ...process.env, ...this.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.output = (this.output + String(chunk)).slice(-20_000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    child.once("exit", (code, signal) => {
      if (this.child === child) this.unexpectedExits.push({ code, signal });
    });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`the server exited while starting:\n${this.output.slice(-4000)}`);
      try {
        const res = await fetch(`${this.httpUrl}/api/health`);
        await res.body?.cancel();
        return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`the server did not start:\n${this.output.slice(-4000)}`);
      await sleep(200);
    }
  }

  /** SIGKILL, as a crash or an OOM kill would end it. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }
}
