// CPU and memory of any process on this machine, read from /proc (Linux), so that every process of a run
// (broker, generators, consumers, Node-RED, influxd) is measured the same way from outside.
import { readdirSync, readFileSync } from "node:fs";

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat; 100 on every Linux build we run on. */
const CLOCK_TICKS_PER_SEC = 100;

export interface ProcSample {
  atMs: number;
  /** User + system CPU time consumed so far. */
  cpuMs: number;
  rssBytes: number;
}

export function sampleProcess(pid: number): ProcSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces; fields after it start past the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return {
      atMs: performance.now(),
      cpuMs: ((utime + stime) * 1000) / CLOCK_TICKS_PER_SEC,
      rssBytes: rssKb * 1024,
    };
  } catch {
    return null; // gone
  }
}

/** Busy CPU time of the whole machine so far (all cores, all processes), to see what else competed. */
export function sampleMachine(): ProcSample | null {
  try {
    const cpu =
      readFileSync("/proc/stat", "utf8").split("\n")[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    // user nice system idle iowait irq softirq steal: busy = all but idle and iowait.
    const busy = cpu.slice(0, 8).reduce((a, b, i) => (i === 3 || i === 4 ? a : a + b), 0);
    return { atMs: performance.now(), cpuMs: (busy * 1000) / CLOCK_TICKS_PER_SEC, rssBytes: 0 };
  } catch {
    return null;
  }
}

/** CPU used between two samples, as a share of one core (1 = one core fully busy). */
export function coresUsed(from: ProcSample | null, to: ProcSample | null): number {
  if (!from || !to || to.atMs <= from.atMs) return Number.NaN;
  return (to.cpuMs - from.cpuMs) / (to.atMs - from.atMs);
}

/** Follows the peak RSS of a set of processes while a phase runs. */
export class PeakRss {
  private readonly peaks = new Map<number, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pids: readonly number[],
    everyMs = 200,
  ) {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.sample();
  }

  private sample(): void {
    for (const pid of this.pids) {
      const s = sampleProcess(pid);
      if (s) this.peaks.set(pid, Math.max(this.peaks.get(pid) ?? 0, s.rssBytes));
    }
  }

  stop(): Map<number, number> {
    clearInterval(this.timer);
    this.sample();
    return this.peaks;
  }
}

/** The first process whose command line (arguments joined by spaces) matches, or null. */
export function findProcess(matches: (commandLine: string) => boolean): number | null {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ");
      if (matches(commandLine)) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return null;
}

export interface TreeSample {
  atMs: number;
  /** CPU time so far of each process of the tree. */
  cpuMsByPid: Map<number, number>;
}

/** CPU of a process and all its descendants (PostgreSQL's postmaster and its backends), each on its own. */
export function sampleTree(rootPid: number): TreeSample {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const cpuMsByPid = new Map<number, number>();
  const pending = [rootPid];
  while (pending.length > 0) {
    const pid = pending.pop() as number;
    const s = sampleProcess(pid);
    if (s) cpuMsByPid.set(pid, s.cpuMs);
    pending.push(...(children.get(pid) ?? []));
  }
  return { atMs: performance.now(), cpuMsByPid };
}

/**
 * CPU a tree used between two samples: a process born meanwhile counts its whole life; one that ended meanwhile
 * counts nothing of its last stretch (a pool closing idle backends), so this errs low, never negative.
 */
export function treeCpuMs(from: TreeSample, to: TreeSample): number {
  let ms = 0;
  for (const [pid, cpuMs] of to.cpuMsByPid) ms += Math.max(0, cpuMs - (from.cpuMsByPid.get(pid) ?? 0));
  return ms;
}
