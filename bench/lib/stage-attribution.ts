// Where the aggregator's CPU goes, by stage of the ingest path: a V8 CPU profile's samples, each given to the
// innermost frame of its stack whose source file belongs to a stage (native and built-in frames inherit their
// caller's stage: JSON.parse under fast-decode.ts is decode, Statement.run under src/store/ is persistence).

export const STAGES = [
  "decode",
  "validate",
  "presence",
  "rules",
  "alerts",
  "persistence",
  "mqttNetwork",
  "gc",
  "other",
] as const;
export type Stage = (typeof STAGES)[number];

/** The parts of a V8 CPU profile (Profiler.stop) this reads. */
export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  hitCount?: number;
  children?: number[];
}
export interface CpuProfile {
  nodes: CpuProfileNode[];
}

/** Source path fragments → stage; the first match wins, so specific files come before their folders. */
const BY_PATH: readonly (readonly [string, Stage])[] = [
  ["/src/aggregator/fast-decode.ts", "decode"],
  ["/src/contract/decode.ts", "decode"],
  ["/src/aggregator/fast-validate.ts", "validate"],
  ["/src/contract/", "validate"],
  ["/node_modules/zod/", "validate"],
  ["/src/core/presence/", "presence"],
  ["/src/aggregator/presence-writer.ts", "presence"],
  ["/src/aggregator/clock-watch.ts", "presence"],
  ["/src/core/faults/", "rules"],
  ["/src/alerts/", "alerts"],
  ["/src/core/alerts/", "alerts"],
  ["/src/store/", "persistence"],
  ["/node_modules/better-sqlite3/", "persistence"],
  ["/src/aggregator/ingest-log.ts", "persistence"],
  ["/src/aggregator/durable-ingest.ts", "persistence"],
  ["/src/aggregator/dead-letter-sink.ts", "persistence"],
  ["/src/aggregator/write-coalescing.ts", "mqttNetwork"],
  ["/node_modules/mqtt/", "mqttNetwork"],
  ["/node_modules/mqtt-packet/", "mqttNetwork"],
  ["/node_modules/bl/", "mqttNetwork"],
  ["/node_modules/readable-stream/", "mqttNetwork"],
  ["/node_modules/process-nextick-args/", "mqttNetwork"],
  ["/node_modules/debug/", "mqttNetwork"], // MQTT.js's and mqtt-packet's debug() calls
  ["node:net", "mqttNetwork"],
  ["node:stream", "mqttNetwork"],
  ["node:internal/stream_base_commons", "mqttNetwork"],
  ["node:internal/streams/", "mqttNetwork"],
  ["node:internal/net", "mqttNetwork"],
];

/**
 * The stage of one frame, or null when it has none of its own (native, built-in, or a path not listed) and so
 * takes its caller's. Other project and bench code (the aggregator's dispatch, the event bus, the API, the
 * harness) is "other", so that what it calls natively is not charged to a stage further up.
 */
export function stageOfFrame(frame: { functionName: string; url: string }): Stage | null {
  if (frame.functionName === "(garbage collector)") return "gc";
  if (frame.functionName === "(program)") return "other";
  if (frame.functionName.endsWith(" inTransaction")) return "persistence"; // better-sqlite3's native accessor
  const url = frame.url;
  if (!url) return null;
  for (const [fragment, stage] of BY_PATH) if (url.includes(fragment)) return stage;
  if (url.includes("/src/") || url.includes("/bench/")) return "other";
  return null;
}

export interface StageSamples {
  /** Samples by stage (idle excluded). */
  samplesByStage: Record<Stage, number>;
  busySamples: number;
  idleSamples: number;
}

export function emptyStageRecord(): Record<Stage, number> {
  return Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
}

/** Sums each node's own samples (hitCount) into the stage of its innermost staged frame; "(idle)" apart. */
export function attributeProfile(profile: CpuProfile): StageSamples {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const samplesByStage = emptyStageRecord();
  let idleSamples = 0;
  let busySamples = 0;
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0;
    if (hits === 0 || n.callFrame.functionName === "(root)") continue;
    if (n.callFrame.functionName === "(idle)") {
      idleSamples += hits;
      continue;
    }
    let stage: Stage | null = null;
    for (let id: number | undefined = n.id; id !== undefined && stage === null; id = parentOf.get(id)) {
      const frame = byId.get(id)?.callFrame;
      if (frame) stage = stageOfFrame(frame);
    }
    samplesByStage[stage ?? "other"] += hits;
    busySamples += hits;
  }
  return { samplesByStage, busySamples, idleSamples };
}

/** Each stage's share of the busy samples × the process's CPU per message (µs, from /proc). */
export function usPerMsgByStage(s: StageSamples, cpuUsPerMsg: number): Record<Stage, number> {
  const out = emptyStageRecord();
  for (const stage of STAGES)
    out[stage] = s.busySamples > 0 ? (s.samplesByStage[stage] / s.busySamples) * cpuUsPerMsg : Number.NaN;
  return out;
}
