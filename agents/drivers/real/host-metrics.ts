import { statfs } from "node:fs/promises";
import { cpus, freemem, totalmem } from "node:os";

export interface HostMetrics {
  cpuPct: number;
  memPct: number;
  diskPct: number;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** CPU, memory and disk use of the machine the agent runs on (Linux and Windows alike). */
export class HostMetricsReader {
  private lastCpu: { idle: number; total: number } | null = null;

  constructor(private readonly diskPath = process.platform === "win32" ? "C:\\" : "/") {}

  async read(): Promise<HostMetrics> {
    const stats = await statfs(this.diskPath);
    const diskPct = stats.blocks > 0 ? (1 - stats.bavail / stats.blocks) * 100 : 0;
    return {
      cpuPct: round1(this.cpuPct()),
      memPct: round1((1 - freemem() / totalmem()) * 100),
      diskPct: round1(Math.min(100, Math.max(0, diskPct))),
    };
  }

  /** CPU use since the previous call (0 on the first call): os.cpus() gives cumulative tick counters. */
  private cpuPct(): number {
    let idle = 0;
    let total = 0;
    for (const cpu of cpus()) {
      const t = cpu.times;
      idle += t.idle;
      total += t.user + t.nice + t.sys + t.idle + t.irq;
    }
    const previous = this.lastCpu;
    this.lastCpu = { idle, total };
    if (!previous || total <= previous.total) return 0;
    return Math.min(100, Math.max(0, (1 - (idle - previous.idle) / (total - previous.total)) * 100));
  }
}
