// The building blocks of a load run: a fresh broker, the generator processes, bursts and steady rates, and
// waiting for a consumer to have counted what was sent.
import type { ChildProcess } from "node:child_process";
import { ask, forkChild, type IpcMessage, stopChild, waitFor } from "./ipc.js";
import { type ProcSample, sampleMachine, sampleProcess } from "./proc.js";
import { sleep } from "./stats.js";

/** How Node-RED writes to InfluxDB: `each` one write per message (the flow as usually drawn), `batch` a join
 * node groups 1,000 points per write, `none` no InfluxDB at all (a counting node instead). */
export type NodeRedSink = "each" | "batch" | "none";

export interface GeneratorOptions {
  generators: number;
  faultShare: number;
  qos: 0 | 1;
  window: number;
  seed: number;
}

export interface ConsumerStats extends IpcMessage {
  total: number;
  count: number;
  firstMs: number;
  lastMs: number;
}

export async function startBroker(): Promise<{ child: ChildProcess; url: string }> {
  // BENCH_PROFILE_BROKER=<dir> writes a V8 CPU profile of each broker process there.
  const dir = process.env.BENCH_PROFILE_BROKER;
  const child = forkChild(
    "./hallwatch-broker-child.ts",
    [],
    dir ? ["--cpu-prof", `--cpu-prof-dir=${dir}`] : [],
  );
  const { port } = await waitFor<IpcMessage & { port: number }>(child, "ready", 30_000);
  return { child, url: `mqtt://127.0.0.1:${port}` };
}

export interface Generators {
  children: ChildProcess[];
  /** Halls played by each generator. */
  halls: number[];
}

/** Forks the generators, splits the halls between them, and waits until every agent is connected and born. */
export async function startGenerators(
  url: string,
  hallCount: number,
  o: GeneratorOptions,
): Promise<Generators> {
  const n = Math.max(1, Math.min(o.generators, hallCount));
  const halls = Array.from(
    { length: n },
    (_, i) => Math.floor(((i + 1) * hallCount) / n) - Math.floor((i * hallCount) / n),
  );
  const children = halls.map(() => forkChild("./loadgen-child.ts"));
  await Promise.all(children.map((c) => waitFor(c, "spawned", 30_000)));
  let first = 0;
  await Promise.all(
    children.map((c, i) => {
      const start = {
        type: "start",
        url,
        firstHall: first,
        hallCount: halls[i],
        faultShare: o.faultShare,
        seed: o.seed + i,
        qos: o.qos,
        window: o.window,
      };
      first += halls[i] as number;
      return ask(c, start, "ready", 300_000);
    }),
  );
  return { children, halls };
}

/** Splits `total` between the generators in proportion to their halls. */
function shares(g: Generators, total: number): number[] {
  const hallCount = g.halls.reduce((a, b) => a + b, 0);
  let given = 0;
  return g.halls.map((h, i) => {
    const share = i === g.halls.length - 1 ? total - given : Math.round((total * h) / hallCount);
    given += share;
    return share;
  });
}

export interface Sent {
  sent: number;
  faults: number;
}

export async function burst(g: Generators, total: number): Promise<Sent> {
  const counts = shares(g, total);
  const done = await Promise.all(
    // At least 10 minutes, more for the 520,000 messages of 10,000 halls (down to 200 msg/s on a loaded machine).
    g.children.map((c, i) =>
      ask(c, { type: "burst", count: counts[i] }, "burst_done", Math.max(600_000, total * 5)),
    ),
  );
  return {
    sent: done.reduce((n, d) => n + Number(d.sent), 0),
    faults: done.reduce((n, d) => n + Number(d.faults), 0),
  };
}

export async function steadyRate(g: Generators, perSec: number, durationMs: number): Promise<Sent> {
  const rates = shares(g, perSec);
  const done = await Promise.all(
    g.children.map((c, i) =>
      ask(c, { type: "rate", perSec: rates[i], durationMs }, "rate_done", durationMs + 60_000),
    ),
  );
  return {
    sent: done.reduce((n, d) => n + Number(d.sent), 0),
    faults: done.reduce((n, d) => n + Number(d.faults), 0),
  };
}

/** Ends the generators' steady rates now: the promise steadyRate returned resolves with what they sent. */
export function endSteadyRate(g: Generators): void {
  for (const c of g.children) c.send({ type: "rate_stop" });
}

export async function stopAll(children: readonly (ChildProcess | null | undefined)[]): Promise<void> {
  await Promise.all(children.filter((c): c is ChildProcess => !!c).map((c) => stopChild(c)));
}

export function stats<T extends ConsumerStats>(consumer: ChildProcess): Promise<T> {
  return ask<T>(consumer, { type: "stats" }, "stats", 30_000);
}

/**
 * Polls the consumer until `counted(stats)` reaches `target`, or nothing more arrived for `stallMs`
 * (what is missing then is lost). Returns the last stats.
 */
export async function drain<T extends ConsumerStats>(
  consumer: ChildProcess,
  target: number,
  counted: (s: T) => number = (s) => s.count,
  stallMs = 10_000,
): Promise<T> {
  let last = await stats<T>(consumer);
  let progressAt = performance.now();
  while (counted(last) < target) {
    await sleep(counted(last) === 0 ? 50 : 20);
    const next = await stats<T>(consumer);
    if (counted(next) > counted(last)) progressAt = performance.now();
    last = next;
    if (performance.now() - progressAt > stallMs) break;
  }
  return last;
}

/** CPU samples of several processes at once. */
export function sampleAll(pids: Record<string, number | undefined>): Record<string, ProcSample | null> {
  return {
    ...Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid ? sampleProcess(pid) : null])),
    machine: sampleMachine(),
  };
}

/** Messages a second between the first and the last message counted in the window. */
export function windowRate(s: { count: number; firstMs: number; lastMs: number }): number {
  return s.count > 1 && s.lastMs > s.firstMs ? ((s.count - 1) * 1000) / (s.lastMs - s.firstMs) : Number.NaN;
}
