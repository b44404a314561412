// A tiny request/reply layer over a forked child's IPC channel: every message is `{ type, ...fields }`.
import { type ChildProcess, fork } from "node:child_process";

export type IpcMessage = { type: string } & Record<string, unknown>;

/** Forks a TypeScript bench child (run through tsx) with an IPC channel; its stderr goes to ours. */
export function forkChild(script: string, args: string[] = [], execArgv: string[] = []): ChildProcess {
  return fork(new URL(script, import.meta.url).pathname, args, {
    execArgv: ["--import", "tsx", ...execArgv],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
}

/** Resolves with the next message of `type` from the child; rejects if it exits first or after `timeoutMs`. */
export function waitFor<T extends IpcMessage = IpcMessage>(
  child: ChildProcess,
  type: string,
  timeoutMs = 60_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    const onMessage = (m: IpcMessage) => {
      if (m?.type === type) {
        cleanup();
        resolve(m as T);
      } else if (m?.type === "error") {
        cleanup();
        reject(new Error(`child ${child.pid}: ${String(m.message)}`));
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`child ${child.pid} exited (${code}) before "${type}"`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`child ${child.pid}: no "${type}" within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

/** Sends a request and waits for the reply of type `replyType`. */
export function ask<T extends IpcMessage = IpcMessage>(
  child: ChildProcess,
  message: IpcMessage,
  replyType: string,
  timeoutMs = 60_000,
): Promise<T> {
  const reply = waitFor<T>(child, replyType, timeoutMs);
  child.send(message);
  return reply;
}

/** Asks the child to stop, and kills it if it has not exited within `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 30_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  if (child.connected) child.send({ type: "stop" });
  else child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/** In a child: answers requests from the parent. A handler's thrown error is sent back as `{ type: "error" }`. */
export function serveParent(handlers: Record<string, (m: IpcMessage) => unknown | Promise<unknown>>): void {
  process.on("message", (m: IpcMessage) => {
    const handler = handlers[m.type];
    if (!handler) return;
    Promise.resolve()
      .then(() => handler(m))
      .catch((err: Error) => process.send?.({ type: "error", message: err.stack ?? err.message }));
  });
  process.on("disconnect", () => process.exit(0));
}

/** In a child: tells the parent something. */
export function tellParent(message: IpcMessage): void {
  process.send?.(message);
}
