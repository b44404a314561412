// This process's own V8 CPU profile over a stretch of time (node:inspector), boiled down to samples by stage
// of the ingest path (stage-attribution.ts), so that only a few numbers cross the IPC channel.
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { attributeProfile, type CpuProfile, type StageSamples } from "./stage-attribution.js";

export class StageProfiler {
  private session: Session | null = null;

  async start(samplingIntervalUs = 100): Promise<void> {
    const session = new Session();
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: samplingIntervalUs });
    await session.post("Profiler.start");
    this.session = session;
  }

  async stop(): Promise<StageSamples> {
    const session = this.session;
    if (!session) throw new Error("profiler not started");
    this.session = null;
    const { profile } = (await session.post("Profiler.stop")) as { profile: CpuProfile };
    await session.post("Profiler.disable");
    session.disconnect();
    // BENCH_STAGE_PROFILE=<file.cpuprofile>: also keeps the raw profile (to check the mapping in DevTools).
    if (process.env.BENCH_STAGE_PROFILE)
      writeFileSync(process.env.BENCH_STAGE_PROFILE, JSON.stringify(profile));
    return attributeProfile(profile);
  }
}
