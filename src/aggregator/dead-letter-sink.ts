import type { RejectReason } from "../contract/index.js";
import type { Logger } from "../logging.js";
import type { DeadLetter } from "../store/dead-letters.js";

const SAMPLE_BYTES = 1024;
const LOG_EVERY_MS = 60_000;
/** Above this many pending letters between flushes, letters are only counted (a flood must not eat memory). */
const MAX_PENDING = 10_000;

/** Counts every invalid message by reason, logs a sample per reason at most once a minute, queues it for storage. */
export class DeadLetterSink {
  readonly countsByReason = new Map<RejectReason, number>();
  private pending: DeadLetter[] = [];
  private overflow = 0;
  private readonly lastLogMs = new Map<RejectReason, number>();
  private readonly unloggedSinceLast = new Map<RejectReason, number>();

  constructor(private readonly logger: Logger) {}

  record(reason: RejectReason, topic: string, payload: Uint8Array, detail: string, nowMs: number): void {
    this.countsByReason.set(reason, (this.countsByReason.get(reason) ?? 0) + 1);
    const sample = Buffer.from(
      payload.buffer,
      payload.byteOffset,
      Math.min(payload.byteLength, SAMPLE_BYTES),
    ).toString("utf8");
    if (this.pending.length < MAX_PENDING) {
      this.pending.push({
        receivedMs: nowMs,
        reason,
        topic: topic.slice(0, 512),
        payloadSample: sample,
        payloadBytes: payload.byteLength,
        detail: detail.slice(0, 1024),
      });
    } else {
      this.overflow += 1;
    }
    const last = this.lastLogMs.get(reason);
    if (last === undefined || nowMs - last >= LOG_EVERY_MS) {
      const suppressed = this.unloggedSinceLast.get(reason) ?? 0;
      this.logger.warn(
        {
          reason,
          topic: topic.slice(0, 256),
          sample: sample.slice(0, 200),
          detail: detail.slice(0, 300),
          suppressed,
        },
        "invalid message dead-lettered",
      );
      this.lastLogMs.set(reason, nowMs);
      this.unloggedSinceLast.set(reason, 0);
    } else {
      this.unloggedSinceLast.set(reason, (this.unloggedSinceLast.get(reason) ?? 0) + 1);
    }
  }

  /** Letters counted but not stored because too many arrived between two flushes. */
  get overflowCount(): number {
    return this.overflow;
  }

  restoreCounts(counts: ReadonlyMap<string, number>): void {
    for (const [name, value] of counts) {
      if (name.startsWith("dead_letters.")) this.countsByReason.set(name.slice(13) as RejectReason, value);
    }
  }

  countersForStorage(): Map<string, number> {
    return new Map([...this.countsByReason].map(([reason, n]) => [`dead_letters.${reason}`, n]));
  }

  /**
   * Puts back letters the store refused, ahead of those that came since, within the pending bound; returns how
   * many did not fit (counted as not stored).
   */
  requeue(letters: readonly DeadLetter[]): number {
    const kept = letters.concat(this.pending);
    const lost = Math.max(0, kept.length - MAX_PENDING);
    this.pending = lost > 0 ? kept.slice(lost) : kept;
    this.overflow += lost;
    return lost;
  }

  drain(): DeadLetter[] {
    const letters = this.pending;
    this.pending = [];
    return letters;
  }
}
